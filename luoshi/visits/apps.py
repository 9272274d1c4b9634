from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "luoshi.visits"
    label = "visits"
    verbose_name = "走访报备"
