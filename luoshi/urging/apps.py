from django.apps import AppConfig


class UrgingConfig(AppConfig):
    name = "luoshi.urging"
    label = "urging"
    verbose_name = "催办督办"
