from django.urls import path

from luoshi.urging import views

app_name = "urging"
urlpatterns = [
    path("", views.urge_list, name="list"),
    path("new/", views.new, name="new"),
    path("supervised/", views.supervised, name="supervised"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
