from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "luoshi.audit"
    label = "audit"
