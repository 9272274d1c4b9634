from django.urls import path

from luoshi.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/open/", views.open_notice, name="open"),
    path("read-all/", views.read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("channels/", views.unit_channels, name="unit_channels"),
    path("channels/<int:pk>/", views.unit_channel_edit, name="unit_channel_edit"),
    path("deliveries/", views.deliveries, name="deliveries"),
]
