from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "luoshi.problems"
    label = "problems"

    def ready(self) -> None:
        from django.urls import reverse

        from luoshi.orgs.signals import unit_moved
        from luoshi.problems import rollups
        from luoshi.problems.choices import State
        from luoshi.problems.models import Problem
        from luoshi.urging.registry import Urgeable, register

        unit_moved.connect(rollups.on_unit_moved, dispatch_uid="problems-rollups")
        register(
            Urgeable(
                model=Problem,
                unit=lambda p: p.unit_id,
                title=lambda p: p.title,
                url=lambda p: reverse("problems:detail", args=[p.pk]),
                is_open=lambda p: p.state != State.CLOSED,
            )
        )
