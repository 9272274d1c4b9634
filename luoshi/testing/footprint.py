"""What a refused call must leave untouched: a problem's row, its children, stored files and the audit chain."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from luoshi.audit.models import AuditEvent
from luoshi.problems.models import (
    ClosureRequest,
    Evidence,
    ExtensionRequest,
    Measure,
    Problem,
    ProblemClass,
    ProblemEvent,
    ProgressEntry,
)

COUNTED = (Problem, ProblemClass, Measure, ProgressEntry, Evidence, ClosureRequest, ExtensionRequest, ProblemEvent)


def stored_files() -> set[str]:
    """Every file under MEDIA_ROOT, relative to it."""
    root = str(settings.MEDIA_ROOT)
    return {os.path.relpath(os.path.join(folder, name), root) for folder, _, names in os.walk(root) for name in names}


def footprint(problem: Problem | None = None) -> dict[str, Any]:
    """A comparable picture of the problem tables; equal before and after means nothing changed."""
    picture: dict[str, Any] = {model.__name__: model.objects.count() for model in COUNTED}
    picture["audit"] = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    picture["files"] = stored_files()
    if problem is not None:
        picture["problem"] = Problem.objects.filter(pk=problem.pk).values().get()
        for name, model in (("measures", Measure), ("closures", ClosureRequest), ("extensions", ExtensionRequest)):
            rows = model.objects.filter(problem_id=problem.pk).order_by("pk").values()
            picture[name] = list(rows)
    return picture
