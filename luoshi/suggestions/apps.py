from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    name = "luoshi.suggestions"
    label = "suggestions"
    verbose_name = "建言献策"
