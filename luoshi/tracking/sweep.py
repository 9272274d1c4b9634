"""The daily light sweep (每日刷新红黄绿灯) of a mechanism, run as a Job row that users can follow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from luoshi.jobs.models import Job
from luoshi.jobs.runner import JobContext, create_job, run_job

Refresh = Callable[[dt.date], dict[str, int]]  # the day -> how many items turned red, yellow, green


def run_light_sweep(title: str, kind: str, refresh: Refresh, day: dt.date, owner: Any = None, unit: str = "个") -> Job:
    """Recompute the lights as of ``day`` with ``refresh`` in a Job named ``title``; its log counts each colour
    in ``unit`` (个, 项)."""
    job = create_job(title, kind, owner=owner, params={"date": day.isoformat()})

    def body(ctx: JobContext) -> dict[str, Any]:
        counts = refresh(day)
        red, yellow, green = counts["red"], counts["yellow"], counts["green"]
        ctx.log(f"{day:%Y-%m-%d}：转为红灯 {red} {unit}，黄灯 {yellow} {unit}，绿灯 {green} {unit}。")
        return {"date": day.isoformat(), **counts}

    return run_job(job, body)
