from django.urls import path

from luoshi.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.rule_page, name="rule"),
]
