from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "luoshi.supervision"
    label = "supervision"
    verbose_name = "督导"

    def ready(self) -> None:
        from luoshi.access.scope import register_provider
        from luoshi.supervision.queries import assignment_scope
        from luoshi.supervision.reports import register_urging

        register_provider(assignment_scope)
        register_urging()
