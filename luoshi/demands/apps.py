from django.apps import AppConfig


class DemandsConfig(AppConfig):
    name = "luoshi.demands"
    label = "demands"
    verbose_name = "民呼我为"

    def ready(self) -> None:
        from luoshi.demands import imports_store, rollups
        from luoshi.jobs.signals import jobs_failed_by_sweep
        from luoshi.orgs.signals import unit_moved

        unit_moved.connect(rollups.on_unit_moved, dispatch_uid="demands-month-rollups")
        jobs_failed_by_sweep.connect(imports_store.on_jobs_failed, dispatch_uid="demands-leftover-uploads")
