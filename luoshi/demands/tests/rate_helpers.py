"""Tickets for the rate tests, made through the real services."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from luoshi.demands import services
from luoshi.demands.models import Demand
from luoshi.demands.tests.lifecycle import category, hotline
from luoshi.orgs.models import Unit
from luoshi.testing.world import World

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def new_ticket(world: World, at: dt.datetime, **kw: Any) -> Demand:
    return services.receive_demand(
        world.dispatcher_city,
        channel=hotline(),
        category=kw.pop("category", None) or category(),
        title="楼道灯不亮",
        content="5 号楼楼道灯坏了一个月。",
        received_at=at,
        **kw,
    )


def handler_for(world: World, demand: Demand) -> Any:
    return world.handler_b if demand.org_path.startswith(world.district_b.path) else world.handler_a


def handled(world: World, at: dt.datetime, unit: Unit, outcome: str = "", satisfaction: str = "", **kw: Any) -> Demand:
    """A ticket dispatched to ``unit``, contacted on time, then optionally finished and rated."""
    demand = services.dispatch(world.dispatcher_city, new_ticket(world, at, **kw), unit=unit)
    handler = handler_for(world, demand)
    demand = services.respond(handler, services.sign(handler, demand), note="已联系")
    if outcome:
        demand = services.finish(handler, demand, outcome=outcome, explanation="已处理")
    if satisfaction:
        demand = services.call_back(world.dispatcher_city, demand, satisfaction=satisfaction)
    return demand


def oct_(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, tzinfo=SHANGHAI)
