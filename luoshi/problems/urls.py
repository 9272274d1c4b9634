from django.urls import path

from luoshi.core.placeholder import todo

app_name = "problems"
urlpatterns = [path("", todo, name="list"), path("dashboard/", todo, name="dashboard")]
