from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "luoshi.tasks"
    label = "tasks"

    def ready(self) -> None:
        from django.urls import reverse

        from luoshi.tasks.choices import CLOSED_STATES
        from luoshi.tasks.models import TaskAssignment
        from luoshi.urging.registry import Urgeable, register

        register(
            Urgeable(
                model=TaskAssignment,
                unit=lambda a: a.unit_id,
                title=lambda a: f"{a.task.title} · {a.unit.name}",
                url=lambda a: reverse("tasks:assignment", args=[a.pk]),
                is_open=lambda a: a.state not in CLOSED_STATES,
                related=("task", "unit"),
                audience="handle_task",
            )
        )
