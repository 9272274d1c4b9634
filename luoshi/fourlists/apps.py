from django.apps import AppConfig


class FourListsConfig(AppConfig):
    name = "luoshi.fourlists"
    label = "fourlists"
    verbose_name = "四张清单"
