"""How the audit log names things: objects by their domain identifier, fields by their Chinese names,
values by their labels and local times, and file names with personal numbers masked."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

PERSONAL_NUMBERS = (  # (pattern, digits kept in front, digits kept at the end)
    (re.compile(r"(?<![0-9])[1-9][0-9]{5}[- ]?(?:18|19|20)[0-9]{2}[- ]?[0-9]{4}[- ]?[0-9]{3}[0-9Xx](?![0-9])"), 3, 2),
    (re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}(?![0-9])"), 3, 4),
    (re.compile(r"(?<![0-9])[0-9]{15,}(?![0-9])"), 3, 2),
)

IDENTIFIERS: dict[str, Callable[[Any], str]] = {
    "problems.problem": lambda o: o.number,
    "demands.demand": lambda o: o.number,
    "orgs.unit": lambda o: f"{o.name}（{o.code}）",
    "accounts.user": lambda o: o.display_name or o.username,
    "problems.evidence": lambda o: f"#{o.pk} {masked_name(o.original_name)}",
}


def _mask_digits(text: str, keep_head: int, keep_tail: int) -> str:
    positions = [i for i, ch in enumerate(text) if ch.isdigit() or ch in "Xx"]
    hidden = set(positions[keep_head : len(positions) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def _masked_match(match: re.Match[str], keep_head: int, keep_tail: int) -> str:
    return _mask_digits(match.group(), keep_head, keep_tail)


def masked_name(name: str) -> str:
    """A file name fit for the audit log: ID-card and mobile numbers (and any run of 15+ digits) masked,
    e.g. ``110***********12X.pdf``, ``138****5678.docx``. Every file name that reaches the log goes through it."""
    for pattern, keep_head, keep_tail in PERSONAL_NUMBERS:
        name = pattern.sub(partial(_masked_match, keep_head=keep_head, keep_tail=keep_tail), name)
    return name


def identifier(obj: models.Model) -> str:
    """An object's domain identifier (``WT000183``, ``东城区（dongcheng）``, a user's name), the one way the log
    names it. A model may define ``audit_label``; otherwise its ``str()`` with personal numbers masked."""
    own = getattr(obj, "audit_label", None)
    if isinstance(own, str) and own:
        return own
    label = IDENTIFIERS.get(obj._meta.label_lower)
    text = label(obj) if label else masked_name(str(obj))
    return text or f"#{obj.pk}"


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_label(object_type: str, object_id: str, object_repr: str) -> str:
    """问题 WT000183: the model's Chinese name and the object's identifier (or its id)."""
    if not object_id and object_repr:
        return object_repr
    model = model_of(object_type)
    kind = str(model._meta.verbose_name) if model else object_type
    return f"{kind} {object_repr or ('#' + object_id if object_id else '')}".strip()


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    field = _field(model, name)
    return str(getattr(field, "verbose_name", "") or name)


def _local(value: str, kind: type[models.Field[Any, Any]]) -> str | None:
    if kind is models.DateTimeField:
        moment = parse_datetime(value)
        if moment is None:
            return None
        aware = moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)
        return date_format(timezone.localtime(aware), "Y-m-d H:i:s")
    day = parse_date(value)
    return day.isoformat() if day else None


def display_value(model: type[models.Model] | None, name: str, value: Any) -> str:
    """A stored value as the auditor reads it: a choice by its label, a time in the site's zone, 是/否."""
    if value is None or value == "":
        return ""
    field = _field(model, name)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if choices and not isinstance(value, list | dict) and value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, str) and isinstance(field, models.DateTimeField | models.DateField):
        kind = models.DateTimeField if isinstance(field, models.DateTimeField) else models.DateField
        shown = _local(value, kind)
        if shown is not None:
            return shown
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def diff(event: Any) -> list[tuple[str, str, str, str, bool]]:
    """(field, Chinese name, before, after, changed) for every field a record's before/after holds."""
    model = model_of(event.object_type)
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    names = list(dict.fromkeys([*before, *after]))
    return [
        (
            name,
            field_label(model, name),
            display_value(model, name, before.get(name)),
            display_value(model, name, after.get(name)),
            before.get(name) != after.get(name),
        )
        for name in names
    ]


def readable(event: Any, side: str) -> dict[str, str] | None:
    """A record's before or after as the auditor reads it: Chinese field names, labels, local times."""
    values = getattr(event, side)
    if not isinstance(values, dict):
        return values
    model = model_of(event.object_type)
    return {field_label(model, k): display_value(model, k, v) for k, v in values.items()}
