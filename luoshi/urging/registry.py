"""What can be urged: each mechanism registers its tracked items with their owner unit, title, link and
whether they are still open (closed work is not urged)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Urgeable:
    """How urging reads one kind of tracked item. ``unit`` gives the owner unit's id (who is urged)."""

    model: type[models.Model]
    unit: Callable[[Any], int | None]
    title: Callable[[Any], str]
    url: Callable[[Any], str]
    is_open: Callable[[Any], bool]
    related: tuple[str, ...] = ()  # select_related when loading items to urge
    audience: str = "view"  # of the owner unit's users who acknowledge urges, those holding this perm are told

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_REGISTRY: dict[str, Urgeable] = {}


def register(spec: Urgeable) -> Urgeable:
    _REGISTRY[spec.label] = spec
    return spec


def spec_for(label_or_model: str | type[models.Model] | models.Model) -> Urgeable | None:
    label = label_or_model if isinstance(label_or_model, str) else label_or_model._meta.label_lower
    return _REGISTRY.get(label)


def registered() -> dict[str, Urgeable]:
    return dict(_REGISTRY)
