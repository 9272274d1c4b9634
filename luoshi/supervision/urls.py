from django.urls import URLPattern

app_name = "supervision"
urlpatterns: list[URLPattern] = []
