from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "luoshi.members"
    label = "members"
    verbose_name = "党员干部名册"
