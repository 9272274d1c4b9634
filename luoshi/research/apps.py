from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "luoshi.research"
    label = "research"
    verbose_name = "调查研究"

    def ready(self) -> None:
        from luoshi.access.roles import Perm
        from luoshi.research.choices import OPEN_STATES
        from luoshi.research.models import ResearchPlan
        from luoshi.research.services import plan_url
        from luoshi.urging.registry import Urgeable, register

        register(
            Urgeable(
                model=ResearchPlan,
                unit=lambda p: p.unit_id,
                title=lambda p: p.title,
                url=plan_url,
                is_open=lambda p: p.state in OPEN_STATES,
                related=("unit",),
                audience=Perm.PLAN_RESEARCH,
            )
        )
