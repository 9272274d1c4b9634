from django.urls import path

from luoshi.core.placeholder import todo

app_name = "campaigns"
urlpatterns = [path("", todo, name="list")]
