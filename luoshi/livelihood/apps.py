from django.apps import AppConfig


class LivelihoodConfig(AppConfig):
    name = "luoshi.livelihood"
    label = "livelihood"
    verbose_name = "民生实事"

    def ready(self) -> None:
        from django.urls import reverse

        from luoshi.livelihood.choices import ProjectState
        from luoshi.livelihood.models import LivelihoodProject
        from luoshi.urging.registry import Urgeable, register

        register(
            Urgeable(
                model=LivelihoodProject,
                unit=lambda p: p.lead_unit_id,
                title=lambda p: p.title,
                url=lambda p: reverse("livelihood:detail", args=[p.pk]),
                is_open=lambda p: p.state == ProjectState.IN_PROGRESS,
                audience="handle_task",
            )
        )
