from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "luoshi.reminders"
    label = "reminders"
    verbose_name = "到期提醒"

    def ready(self) -> None:
        from luoshi.reminders import tasks  # noqa: F401  (registers the daily sweep with huey)
