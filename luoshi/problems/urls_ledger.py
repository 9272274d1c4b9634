from django.urls import path

from luoshi.core.placeholder import todo

app_name = "ledger"
urlpatterns = [path("", todo, name="index")]
