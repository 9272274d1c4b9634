from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "luoshi.problems"
    label = "problems"
