"""``{% suggestion_origin obj %}``: on a key task, problem or project proposal page, the suggestion it came from
(转化来源), linked back when the user may see that suggestion."""

from __future__ import annotations

from typing import Any

from django import template

from luoshi.suggestions import queries
from luoshi.suggestions.models import SuggestionConversion

register = template.Library()
FIELDS = {"tasks.task": "task", "problems.problem": "problem", "livelihood.projectproposal": "proposal"}


@register.inclusion_tag("suggestions/_origin.html", takes_context=True)
def suggestion_origin(context: dict[str, Any], obj: Any) -> dict[str, Any]:
    field = FIELDS.get(obj._meta.label_lower) if obj is not None else None
    request = context.get("request")
    found = None
    if field and request is not None:
        conversion = SuggestionConversion.objects.filter(**{field: obj}).select_related("suggestion").first()
        if conversion is not None:
            found = conversion.suggestion
            visible = queries.visible(request.user).filter(pk=found.pk).exists()
            return {"suggestion": found, "linked": visible}
    return {"suggestion": None, "linked": False}
