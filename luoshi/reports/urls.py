from django.urls import path

from luoshi.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("export.xlsx", views.export, name="export"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("units/<int:pk>/claims/", views.unit_claims, name="unit_claims"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reprocess/", views.reprocess, name="reprocess"),
    path("<int:pk>/figures/<int:figure_pk>/", views.figure_edit, name="figure_edit"),
]
