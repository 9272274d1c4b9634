"""The urge box on an item's page: how often it was urged, and the urge button for those who may."""

from __future__ import annotations

from typing import Any

from django import template

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.urging import services
from luoshi.urging.registry import spec_for

register = template.Library()


@register.inclusion_tag("urging/_box.html", takes_context=True)
def urge_box(context: dict[str, Any], item: Any) -> dict[str, Any]:
    spec = spec_for(item)
    user = context["request"].user
    label = item._meta.label_lower
    may = spec is not None and spec.is_open(item) and scope.can(user, Perm.URGE, item.org_path)
    return {
        "count": services.count_for(item),
        "label": label,
        "pk": item.pk,
        "may_urge": may,
        "next": context["request"].get_full_path(),
    }


@register.simple_tag(takes_context=True)
def may_urge(context: dict[str, Any]) -> bool:
    """Whether the page's user may urge anything (the lists then offer selection and 催办所选)."""
    request = context.get("request")
    return bool(request and scope.has_perm_anywhere(request.user, Perm.URGE))


@register.inclusion_tag("urging/_bulk.html", takes_context=True)
def urge_selected(context: dict[str, Any], label: str) -> dict[str, Any]:
    return {"label": label, "next": context["request"].get_full_path()}


@register.inclusion_tag("urging/_pick.html")
def urge_pick(pk: int, title: str = "") -> dict[str, Any]:
    return {"pk": pk, "title": title}


@register.filter
def urgeable(item: Any) -> bool:
    """An open item of a kind that can be urged."""
    spec = spec_for(item)
    return bool(spec and spec.is_open(item))
