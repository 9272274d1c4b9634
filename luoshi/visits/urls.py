from django.urls import path

from luoshi.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.visit_list, name="list"),
    path("export/", views.visit_export, name="export"),
    path("new/", views.visit_new, name="new"),
    path("<int:pk>/", views.visit_detail, name="detail"),
    path("<int:pk>/cancel/", views.visit_cancel, name="cancel"),
    path("calendar/", views.unit_calendar, name="unit_calendar"),
    path("county/", views.county_calendar, name="county_calendar"),
    path("heat/", views.heat, name="heat"),
    path("overrides/", views.overrides, name="overrides"),
    path("rules/", views.rules_page, name="rules"),
]
