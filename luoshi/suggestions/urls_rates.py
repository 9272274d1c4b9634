"""建议办理率 pages (included by ``luoshi.suggestions.urls`` under ``rates/``)."""

from django.urls import path

from luoshi.suggestions import views_rates

urlpatterns = [
    path("", views_rates.rates_page, name="rates"),
    path("export/", views_rates.rates_export, name="rates_export"),
]
