from django.urls import path

from luoshi.problems import views_ledger

app_name = "ledger"
urlpatterns = [
    path("", views_ledger.ledger_index, name="index"),
    path("template.xlsx", views_ledger.ledger_template, name="template"),
    path("export.xlsx", views_ledger.ledger_export, name="export"),
]
