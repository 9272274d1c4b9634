"""Template helpers of other apps' pages that show demands (the problem detail's linked demands)."""

from __future__ import annotations

from typing import Any

from django import template

from luoshi.access.roles import Perm
from luoshi.demands.models import Demand

register = template.Library()


@register.inclusion_tag("demands/_linked_demands.html", takes_context=True)
def linked_demands(context: dict[str, Any], problem: Any) -> dict[str, Any]:
    """诉求工单 linked to ``problem`` that the viewing user may see (scope-checked here, not in the template)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    demands = Demand.objects.visible_to(user, Perm.VIEW_DEMANDS).filter(problem=problem).order_by("-id")
    return {"linked": list(demands[:50]) if user is not None else []}
