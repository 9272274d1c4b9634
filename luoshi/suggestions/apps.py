from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    name = "luoshi.suggestions"
    label = "suggestions"
    verbose_name = "建言献策"

    def ready(self) -> None:
        from luoshi.access.roles import Perm
        from luoshi.suggestions.choices import SuggestionState
        from luoshi.suggestions.models import Suggestion
        from luoshi.suggestions.services import suggestion_url
        from luoshi.urging.registry import Urgeable, register

        register(
            Urgeable(
                model=Suggestion,
                unit=lambda s: s.unit_id,
                title=lambda s: s.title,
                url=suggestion_url,
                is_open=lambda s: s.state == SuggestionState.REFERRED,
                related=("unit",),
                audience=Perm.ANSWER_SUGGESTION,
            )
        )
