from django.apps import AppConfig


class DemandsConfig(AppConfig):
    name = "luoshi.demands"
    label = "demands"
    verbose_name = "民呼我为"
