from django.apps import AppConfig


class DemandsConfig(AppConfig):
    name = "luoshi.demands"
    label = "demands"
    verbose_name = "民呼我为"

    def ready(self) -> None:
        from luoshi.demands import rollups
        from luoshi.orgs.signals import unit_moved

        unit_moved.connect(rollups.on_unit_moved, dispatch_uid="demands-month-rollups")
