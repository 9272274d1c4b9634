from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "luoshi.tracking"
    label = "tracking"
