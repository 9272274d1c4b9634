"""Filing visits in tests: one call with sensible defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luoshi.orgs.models import Unit
from luoshi.testing.world import World
from luoshi.visits import services
from luoshi.visits.models import Visit

DAY = dt.date(2026, 3, 2)


def file(
    world: World,
    unit: Unit,
    day: dt.date = DAY,
    *,
    user: Any = None,
    headcount: int = 3,
    key: str = "group:1",
    reason: str = "",
    team: str = "张三、李四",
) -> Visit:
    return services.file_visit(
        user or world.office_city,
        campaign=world.campaign,
        unit=unit,
        date=day,
        headcount=headcount,
        team=team,
        organiser=f"督导组 {key}",
        organiser_key=key,
        kinds=["looks", "checks"],
        purpose="察看整改现场",
        override_reason=reason,
    )


def days(start: dt.date, *offsets: int) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in offsets]
