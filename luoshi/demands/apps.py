from django.apps import AppConfig


class DemandsConfig(AppConfig):
    name = "luoshi.demands"
    label = "demands"
    verbose_name = "民呼我为"

    def ready(self) -> None:
        from django.urls import reverse

        from luoshi.demands import imports_store, rollups
        from luoshi.demands.choices import DemandState
        from luoshi.demands.models import Demand
        from luoshi.jobs.signals import jobs_failed_by_sweep
        from luoshi.orgs.signals import unit_moved
        from luoshi.urging.registry import Urgeable, register

        unit_moved.connect(rollups.on_unit_moved, dispatch_uid="demands-month-rollups")
        jobs_failed_by_sweep.connect(imports_store.on_jobs_failed, dispatch_uid="demands-leftover-uploads")
        handling = (DemandState.DISPATCHED, DemandState.SIGNED, DemandState.RESPONDED)
        register(
            Urgeable(
                model=Demand,
                unit=lambda d: d.handling_unit_id,
                title=lambda d: f"{d.number} {d.title}",
                url=lambda d: reverse("demands:detail", args=[d.pk]),
                is_open=lambda d: d.state in handling,
                audience="handle_demand",
            )
        )
