from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "luoshi.collection"
    label = "collection"
    verbose_name = "定期报送"

    def ready(self) -> None:
        from luoshi.access.roles import Perm
        from luoshi.collection.choices import UNFILED_STATES
        from luoshi.collection.models import Submission
        from luoshi.collection.services import submission_url
        from luoshi.urging.registry import Urgeable, register

        register(
            Urgeable(
                model=Submission,
                unit=lambda s: s.unit_id,
                title=lambda s: f"{s.round.title} · {s.unit.name}",
                url=submission_url,
                is_open=lambda s: s.state in UNFILED_STATES,
                related=("round__template", "unit"),
                audience=Perm.SUBMIT_COLLECTION,
            )
        )
