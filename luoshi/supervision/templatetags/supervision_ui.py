"""Template tags other apps' pages use to show supervision: where a problem came from (来自督导发现)."""

from __future__ import annotations

from typing import Any

from django import template

from luoshi.access.roles import Perm
from luoshi.supervision.models import Finding

register = template.Library()


@register.inclusion_tag("supervision/_source_finding.html", takes_context=True)
def source_finding(context: dict[str, Any], problem: Any) -> dict[str, Any]:
    """The finding a problem was transferred from, when the viewer sees it: ``{% source_finding problem %}``."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or getattr(problem, "pk", None) is None:
        return {"finding": None}
    found = Finding.objects.visible_to(user, Perm.VIEW).filter(problem_id=problem.pk).select_related("group").first()
    return {"finding": found}
