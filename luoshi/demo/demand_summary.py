"""What the demo's year of demands came to: tickets by state, and last month's red and black companies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from luoshi.demands import rates
from luoshi.demands.choices import DemandState
from luoshi.demands.models import Company, Demand, DemandExtension, Project
from luoshi.orgs.models import Unit


@dataclass(frozen=True)
class DemandSummary:
    states: dict[str, int]
    escalated: int
    returned: int
    redone: int
    extensions: int
    companies: int
    projects: int
    month: str
    black: list[tuple[str, str]]
    red: list[str]

    def lines(self) -> list[str]:
        states = "，".join(f"{k} {v}" for k, v in self.states.items())
        black = "；".join(f"{name}（{why}）" for name, why in self.black) or "无"
        return [
            f"  诉求工单 {sum(self.states.values())} 件：{states}",
            f"    督办 {self.escalated} 件，退单改派 {self.returned} 件，重办 {self.redone} 件，"
            f"延期申请 {self.extensions} 个",
            f"    物业企业 {self.companies} 家、项目 {self.projects} 个；{self.month} 红榜企业 {len(self.red)} 家，"
            f"黑榜企业 {len(self.black)} 家：{black}",
        ]


def last_month(today: dt.date) -> rates.Period:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return rates.Period.month(first.year, first.month)


def summarise_demands(city: Unit) -> DemandSummary:
    counts = dict(Demand.objects.order_by().values_list("state").annotate(n=Count("id")))
    period = last_month(timezone.localdate())
    listed = rates.red_black("companies", city, period)
    black = [
        (
            row.name,
            "，".join(f"{f.label} {float(f.value) * 100:.1f}% < {float(f.threshold) * 100:.0f}%" for f in row.failures),
        )
        for row in listed
        if row.status == rates.BLACK
    ]
    return DemandSummary(
        states={str(label): counts.get(value, 0) for value, label in DemandState.choices},
        escalated=Demand.objects.filter(escalated=True).count(),
        returned=Demand.objects.filter(unit_hops__gte=2).count(),
        redone=Demand.objects.filter(redo_count__gt=0).count(),
        extensions=DemandExtension.objects.count(),
        companies=Company.objects.count(),
        projects=Project.objects.count(),
        month=period.key,
        black=black,
        red=[row.name for row in listed if row.status == rates.RED],
    )
