from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "luoshi.jobs"
    label = "jobs"
