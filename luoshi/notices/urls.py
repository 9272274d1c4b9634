from django.urls import path

from luoshi.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/open/", views.open_notice, name="open"),
    path("read-all/", views.read_all, name="read_all"),
]
