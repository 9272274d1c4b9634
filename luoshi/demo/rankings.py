"""Published rankings (晾晒排名) in the demo: the city's office ranks its districts (区县) every month by the
four measures, and has published the last two months, so the second shows rank changes (↑/↓) and one district
ranked last in both months is flagged (连续两期末位). Everything goes through ``luoshi.rankings.services``.

Call it after the campaign, the rectification, the key tasks and the demands are built (it ranks their data)::

    build_rankings(demo, tree, cast, random.Random(seed + 4), services.today())
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from luoshi.demo.campaign import DemoCampaign
from luoshi.demo.orgtree import OrgTree
from luoshi.demo.people import Cast
from luoshi.rankings import periods, queries, scoring, services
from luoshi.rankings.choices import Cycle, UnitsMode
from luoshi.rankings.models import Ranking, RankingScheme

SCHEME_NAME = "区县整改落实月度晾晒"
# Weights tried in turn (整改销号率, 按期销号率, 重点任务进展, 接诉即办综合得分): the first under which the same
# district is last in both months is kept, so the demo shows a flagged district whatever the seed.
WEIGHT_SETS: tuple[tuple[int, int, int, int], ...] = (
    (30, 20, 30, 20),
    (35, 25, 30, 10),
    (40, 20, 40, 0),
    (50, 50, 0, 0),
    (100, 0, 0, 0),
)
KEYS = ("closure_rate", "on_time_rate", "task_progress", "demand_score")


@dataclass
class DemoRankings:
    scheme: RankingScheme
    rankings: list[Ranking] = field(default_factory=list)

    @property
    def flagged(self) -> list[str]:
        last = self.rankings[-1] if self.rankings else None
        return [row["unit_name"] for row in (last.rows if last else []) if row["flagged"]]


def _weights(values: tuple[int, ...]) -> dict[str, int]:
    return dict(zip(KEYS, values, strict=True))


def build_rankings(demo: DemoCampaign, tree: OrgTree, cast: Cast, rng: random.Random, today: date) -> DemoRankings:
    """One scheme ranking the city's districts, and its rankings of the last two whole months."""
    district_kind = tree.districts[0].saved().kind
    middle = list(WEIGHT_SETS[1:-1])
    rng.shuffle(middle)  # the middle candidates in a seed-given order; the first and the fallback stay put
    order = [WEIGHT_SETS[0], *middle, WEIGHT_SETS[-1]]
    latest = periods.last_complete(Cycle.MONTHLY, today)
    months = [periods.before(latest, Cycle.MONTHLY), latest]
    scheme = services.create_scheme(
        cast.office,
        campaign=demo.campaign,
        name=SCHEME_NAME,
        unit=tree.city,
        mode=UnitsMode.KIND,
        kind=district_kind,
        weights=_weights(order[0]),
    )
    for values in order:
        if values != order[0]:
            scheme = services.update_scheme(
                cast.office,
                scheme,
                version=scheme.version,
                name=scheme.name,
                unit=scheme.unit,
                mode=scheme.mode,
                kind=scheme.kind,
                weights=_weights(values),
            )
        lasts = [scoring.last_units(queries.draft(scheme, month).rows) for month in months]
        if lasts[0] & lasts[1]:
            break
    built = DemoRankings(scheme)
    for month in months:
        built.rankings.append(services.publish(cast.office, scheme, period=month))
    return built


def ranking_lines(built: DemoRankings) -> list[str]:
    months = "、".join(r.period_key for r in built.rankings)
    flagged = "、".join(built.flagged) or "无"
    return [f"  晾晒排名：方案「{built.scheme.name}」已发布 {months}；连续两期末位：{flagged}"]
