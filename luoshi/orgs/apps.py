from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "luoshi.orgs"
    label = "orgs"
