"""The one API action of tracked work: ``POST …/{id}/actions/{name}/`` runs a transition or activity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request


@dataclass(frozen=True)
class ApiAction:
    """One action of a mechanism's API: its input and the service call it makes."""

    input: type[serializers.Serializer]
    call: Callable[[Any, Any, dict[str, Any]], Any]  # (actor, item, validated input) -> result


def _holds_nul(value: Any) -> bool:
    """Whether a NUL character hides anywhere in the input (no database text or JSON may hold one)."""
    if isinstance(value, str):
        return "\x00" in value
    if hasattr(value, "lists"):
        return any(_holds_nul(key) or _holds_nul(items) for key, items in value.lists())
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


def read_input(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The validated input; a NUL character anywhere in it is a 400 before any field is looked up."""
    if _holds_nul(request.data):
        raise serializers.ValidationError({"non_field_errors": [_("输入中含有不允许的空字符（NUL）。")]})
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def run_action(actions: dict[str, ApiAction], name: str, request: Request, item: Any) -> Any:
    """Validate the input of action ``name`` and call its service; an unknown name is a 404."""
    chosen = actions.get(name)
    if chosen is None:
        raise Http404
    return chosen.call(request.user, item, read_input(chosen.input, request))
