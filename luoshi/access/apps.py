from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "luoshi.access"
    label = "access"
