"""Periodic collection (定期报送 / 周调度) in the demo: a weekly dispatch sheet every street of the city files,
three months of weekly rounds ending last week (most on time, some late, some sent back once and then
accepted, a few never filed), this week's round open with some streets not filed yet; and a monthly report
of the districts with three rounds. Everything goes through ``luoshi.collection.services``; submission times
are then set back to the week they stand for, as a liaison would have filed them.

Call: ``build_collection(demo.campaign, cast.office, seed, services.today())`` inside the demo's transaction.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.campaigns.models import Campaign
from luoshi.collection import services
from luoshi.collection.choices import Cycle, State
from luoshi.collection.models import CollectionRound, CollectionTemplate, Submission
from luoshi.collection.periods import Period, month_of, week_of
from luoshi.core.paths import ancestors
from luoshi.orgs.models import Unit, UnitKind

WEEKS = 13
MONTHS = 3
WEEKLY_NAME = "每周工作调度表"
MONTHLY_NAME = "每月工作情况报表"
WEEKLY_FIELDS: list[dict[str, Any]] = [
    {"key": "new_found", "label": "本周新排查问题数", "kind": "integer", "required": True, "min": 0},
    {"key": "new_fixed", "label": "本周整改完成数", "kind": "integer", "required": True, "min": 0},
    {"key": "total_fixed", "label": "累计整改完成数", "kind": "integer", "required": True, "min": 0},
    {"key": "visits", "label": "群众走访户数", "kind": "integer", "required": False, "min": 0},
    {"key": "practice", "label": "主要做法", "kind": "text", "required": True, "help": "简要写明本周的主要做法和成效"},
]
WEEKLY_RULES: list[dict[str, Any]] = [{"kind": "lte", "left": "new_fixed", "right": "new_found"}]
MONTHLY_FIELDS: list[dict[str, Any]] = [
    {"key": "meetings", "label": "本月召开专题会议次数", "kind": "integer", "required": True, "min": 0},
    {"key": "fixed", "label": "本月整改销号问题数", "kind": "integer", "required": True, "min": 0},
    {"key": "funds", "label": "本月投入整改资金（万元）", "kind": "decimal", "required": False, "min": 0},
    {"key": "summary", "label": "工作小结", "kind": "text", "required": True},
]
PRACTICES = (
    "组织党员干部入户走访，现场收集群众意见并建立台账。",
    "召开专题推进会，逐项对账销号。",
    "联合职能部门开展集中整治，问题当周见底。",
    "推行“街巷长”制，问题发现即交办。",
    "开展“回头看”，对已整改问题逐一复核。",
)
Rows = list[dict[str, Any]]
RETURN_REASONS = ("本周整改完成数与问题台账不一致，请核实后重报。", "主要做法过于简略，请补充具体措施。")


@dataclass
class CollectionDemo:
    weekly: CollectionTemplate
    monthly: CollectionTemplate
    rounds: list[CollectionRound] = field(default_factory=list)


def _filers(units: list[Unit]) -> dict[int, Any]:
    """The liaison who files for each unit: one of the unit itself, else of its nearest unit above."""
    paths = {p for u in units for p in ancestors(u.path)}
    found: dict[str, Any] = {}
    rows = RoleAssignment.objects.filter(role=Role.LIAISON, unit__path__in=paths, user__is_active=True)
    for held in rows.select_related("unit", "user").order_by("user_id"):
        found.setdefault(held.unit.path, held.user)
    chosen: dict[int, Any] = {}
    for unit in units:
        for path in reversed(ancestors(unit.path)):
            if path in found:
                chosen[unit.pk] = found[path]
                break
    return chosen


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))


class _Builder:
    def __init__(self, campaign: Campaign, office: Any, rng: random.Random, today: dt.date) -> None:
        self.campaign, self.office, self.rng, self.today = campaign, office, rng, today
        self.totals: dict[int, int] = {}

    def template(
        self, name: str, fields: list[dict[str, Any]], rules: list[dict[str, Any]], cycle: str, kind: str
    ) -> Any:
        return services.create_template(
            self.office,
            campaign=self.campaign,
            unit=self.campaign.unit,
            name=name,
            fields=fields,
            rules=rules,
            cycle=cycle,
            target_kind=UnitKind.objects.filter(code=kind).first(),
            description="请各单位按时报送，数据以台账为准。",
        )

    def open(self, template: CollectionTemplate, period: Period) -> CollectionRound:
        return services.open_round(
            self.office,
            template,
            period_label=period.label,
            period_start=period.start,
            period_end=period.end,
            deadline=period.deadline,
        )

    def weekly_values(self, unit_id: int) -> dict[str, Any]:
        found = self.rng.randint(0, 9)
        fixed = self.rng.randint(0, found)
        self.totals[unit_id] = self.totals.get(unit_id, 0) + fixed
        return {
            "new_found": found,
            "new_fixed": fixed,
            "total_fixed": self.totals[unit_id],
            "visits": self.rng.randint(20, 260),
            "practice": self.rng.choice(PRACTICES),
        }

    def monthly_values(self) -> dict[str, Any]:
        return {
            "meetings": self.rng.randint(1, 6),
            "fixed": self.rng.randint(5, 60),
            "funds": f"{self.rng.randint(10, 900) / 10:.1f}",
            "summary": "本月按计划推进整改，重点问题已形成清单并逐项销号。",
        }

    def file(self, item: Submission, filer: Any, values: dict[str, Any], on: dt.datetime, returned: bool) -> None:
        """Submit (once sent back and corrected, when ``returned``), then set the time back to ``on``."""
        done = services.submit(filer, item, values=values)
        if returned:
            back = services.return_submission(self.office, done, reason=self.rng.choice(RETURN_REASONS))
            done = services.submit(filer, back, values=values)
        late = timezone.localdate(on) > item.round.deadline
        Submission.objects.filter(pk=item.pk).update(submitted_at=on, late=late)

    def past_round(self, round_: CollectionRound, k: int, filers: dict[int, Any], accept_share: float) -> None:
        items = list(Submission.objects.filter(round=round_).select_related("round__template").order_by("org_path"))
        for j, item in enumerate(items):
            filer = filers.get(item.unit_id)
            special = (k + j) % 9
            if filer is None or special == 0:
                continue  # never filed (未填报)
            values = (
                self.weekly_values(item.unit_id) if round_.template.cycle == Cycle.WEEKLY else self.monthly_values()
            )
            late = special == 1 or self.rng.random() < 0.06
            on = (
                _at(round_.deadline + dt.timedelta(days=self.rng.randint(1, 3)), 10)
                if late
                else _at(round_.period_end, 16)
            )
            self.file(item, filer, values, on, returned=special == 2)
            if special == 2 or self.rng.random() < accept_share:
                services.accept(self.office, Submission.objects.get(pk=item.pk))

    def current_round(self, round_: CollectionRound, filers: dict[int, Any]) -> None:
        items = list(Submission.objects.filter(round=round_).select_related("round__template").order_by("org_path"))
        for j, item in enumerate(items):
            filer = filers.get(item.unit_id)
            if filer is None or j % 3 == 0 or self.rng.random() < 0.2:
                continue  # not filed yet
            if j % 5 == 1:
                services.save_draft(filer, item, values={"new_found": self.rng.randint(0, 5)})
                continue
            self.file(item, filer, self.weekly_values(item.unit_id), timezone.now(), returned=False)


def build_collection(campaign: Campaign, office: Any, seed: int, today: dt.date) -> CollectionDemo:
    """The weekly dispatch sheet of every street and the monthly report of the districts, with their rounds."""
    rng = random.Random(seed + 3)  # noqa: S311 (its own stream: the rest of the demo stays as it was)
    builder = _Builder(campaign, office, rng, today)
    weekly = builder.template(WEEKLY_NAME, WEEKLY_FIELDS, WEEKLY_RULES, Cycle.WEEKLY, "street")
    monthly = builder.template(MONTHLY_NAME, MONTHLY_FIELDS, [], Cycle.MONTHLY, "district")
    built = CollectionDemo(weekly, monthly)
    this_week = week_of(today)
    weeks = [week_of(this_week.start - dt.timedelta(days=7 * n)) for n in range(WEEKS, 0, -1)]
    for k, period in enumerate(weeks):
        round_ = builder.open(weekly, period)
        targets = list(Unit.objects.filter(pk__in=Submission.objects.filter(round=round_).values("unit_id")))
        filers = _filers(targets)
        builder.past_round(round_, k, filers, accept_share=0.9 if k < WEEKS - 2 else 0.4)
        built.rounds.append(round_)
    current = builder.open(weekly, this_week)
    targets = list(Unit.objects.filter(pk__in=Submission.objects.filter(round=current).values("unit_id")))
    builder.current_round(current, _filers(targets))
    built.rounds.append(current)
    first_of_month = today.replace(day=1)
    months: list[Period] = []
    day = first_of_month
    for _ in range(MONTHS):
        day = (day - dt.timedelta(days=1)).replace(day=1)
        months.insert(0, month_of(day))
    for k, period in enumerate(months):
        round_ = builder.open(monthly, period)
        targets = list(Unit.objects.filter(pk__in=Submission.objects.filter(round=round_).values("unit_id")))
        builder.past_round(round_, k + 4, _filers(targets), accept_share=0.8)
        built.rounds.append(round_)
    return built


def collection_lines(campaign: Campaign) -> list[str]:
    """The demo summary's line: templates, rounds and submissions by state."""
    rows = Submission.objects.filter(round__template__campaign=campaign)
    states = dict(rows.order_by().values_list("state").annotate(n=Count("id")))
    shown = "，".join(f"{label} {states.get(value, 0)}" for value, label in State.choices)
    rounds = CollectionRound.objects.filter(template__campaign=campaign).count()
    return [f"  定期报送 {rounds} 轮，填报 {rows.count()} 份：{shown}；逾期报送 {rows.filter(late=True).count()} 份"]
