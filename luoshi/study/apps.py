from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "luoshi.study"
    label = "study"
    verbose_name = "学习"

    def ready(self) -> None:
        from luoshi.study import plans

        plans.register_urging()
