"""Pages of the three rates: rankings of units and the red/black list (三率排名、红黑榜), with Excel exports."""

from django.urls import path

from luoshi.demands import views_rates, views_settings

app_name = "demand_rates"

urlpatterns = [
    path("", views_rates.ranking_page, name="ranking"),
    path("export/", views_rates.ranking_export, name="ranking_export"),
    path("lists/", views_rates.lists_page, name="lists"),
    path("lists/export/", views_rates.lists_export, name="lists_export"),
    path("settings/", views_settings.rate_settings, name="settings"),
]
