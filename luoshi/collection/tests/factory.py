"""Helpers that make collection templates and rounds and put submissions into any state through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from luoshi.collection import services
from luoshi.collection.choices import Cycle, State
from luoshi.collection.models import CollectionRound, CollectionTemplate, Submission
from luoshi.orgs.models import UnitKind
from luoshi.testing.world import World

FIELDS: list[dict[str, Any]] = [
    {"key": "found", "label": "本周新排查问题数", "kind": "integer", "required": True, "min": 0},
    {"key": "fixed", "label": "本周整改完成数", "kind": "integer", "required": True, "min": 0},
    {"key": "visits", "label": "群众走访户数", "kind": "decimal", "required": False},
    {"key": "level", "label": "进展评价", "kind": "choice", "required": False, "options": ["好", "一般", "差"]},
    {"key": "practice", "label": "主要做法", "kind": "text", "required": True},
]
RULES: list[dict[str, Any]] = [{"kind": "lte", "left": "fixed", "right": "found"}]
GOOD = {"found": 5, "fixed": 3, "visits": "12.5", "level": "好", "practice": "入户走访"}
_periods = itertools.count()


def street_kind() -> UnitKind:
    return UnitKind.objects.get(code="street")


def make_template(world: World, *, actor: Any = None, unit: Any = None, **kw: Any) -> CollectionTemplate:
    """A weekly template of the city's campaign, by district A's office, for every street under district A."""
    params: dict[str, Any] = {
        "campaign": world.campaign,
        "unit": unit or world.district_a,
        "name": "每周工作调度表",
        "fields": FIELDS,
        "rules": RULES,
        "cycle": Cycle.WEEKLY,
        "target_kind": street_kind(),
    }
    params.update(kw)
    return services.create_template(actor or world.office_a, **params)


def next_dates(deadline: dt.date | None = None) -> dict[str, Any]:
    """A fresh period each call (rounds of one family never share a start)."""
    n = next(_periods)
    start = dt.date(2000, 1, 3) + dt.timedelta(days=7 * n)  # long before any deadline a test gives
    return {
        "period_label": f"第{n}期",
        "period_start": start,
        "period_end": start + dt.timedelta(days=6),
        "deadline": deadline or dt.date.today() + dt.timedelta(days=7),
    }


def open_round(world: World, template: CollectionTemplate | None = None, **kw: Any) -> CollectionRound:
    template = template or make_template(world)
    actor = kw.pop("actor", world.office_a)
    return services.open_round(actor, template, **{**next_dates(kw.pop("deadline", None)), **kw})


def fresh(item: Submission) -> Submission:
    return Submission.objects.select_related("round__template", "unit").get(pk=item.pk)


def submission(world: World, round_: CollectionRound | None = None, unit: Any = None) -> Submission:
    round_ = round_ or open_round(world)
    return fresh(Submission.objects.get(round=round_, unit=unit or world.street_a))


def in_state(world: World, state: str, **kw: Any) -> Submission:
    """A submission of district A's street moved into ``state`` the way people would."""
    item = submission(world, **kw)
    if state == State.PENDING:
        return item
    if state == State.DRAFT:
        return services.save_draft(world.liaison_a, item, values={"found": 2})
    item = services.submit(world.liaison_a, item, values=GOOD)
    if state == State.SUBMITTED:
        return fresh(item)
    if state == State.ACCEPTED:
        return services.accept(world.office_a, fresh(item), note="好")
    return services.return_submission(world.office_a, fresh(item), reason="数据有误")
