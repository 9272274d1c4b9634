from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "luoshi.notices"
    label = "notices"
