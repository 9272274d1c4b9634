from django.urls import URLPattern

app_name = "fourlists"
urlpatterns: list[URLPattern] = []
