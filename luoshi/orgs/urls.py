from django.urls import path

from luoshi.core.placeholder import todo

app_name = "orgs"
urlpatterns = [path("", todo, name="tree")]
