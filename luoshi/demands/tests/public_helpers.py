"""Categories and tickets for the public-side and Open311 tests, made through the real services."""

from __future__ import annotations

from typing import Any

from luoshi.demands import services
from luoshi.demands.choices import Outcome
from luoshi.demands.models import Category, Demand, DemandChannel
from luoshi.testing.world import World

CITIZEN_NAME = "王秀英"
CITIZEN_PHONE = "13812345678"


def categories() -> dict[str, Category]:
    """Two of the default categories: a child (物业管理 / 物业服务) and a root (交通); made if a flush took them."""
    parent = Category.objects.get_or_create(name="物业管理", parent=None)[0]
    return {
        "物业服务": Category.objects.get_or_create(name="物业服务", parent=parent)[0],
        "交通": Category.objects.get_or_create(name="交通", parent=None)[0],
    }


def hotline() -> DemandChannel:
    return DemandChannel.objects.get_or_create(code="hotline", defaults={"name": "12345热线"})[0]


def received(category: Category, **kw: Any) -> Demand:
    params: dict[str, Any] = {
        "channel": hotline(),
        "category": category,
        "title": "小区电梯停运三天",
        "content": "三号楼电梯已停运三天，老人上下楼困难。",
        "citizen_name": CITIZEN_NAME,
        "citizen_phone": CITIZEN_PHONE,
        **kw,
    }
    return services.receive_demand(None, **params)


def finished(world: World, demand: Demand) -> Demand:
    """派单 → 签收 → 办结 (resolved), by the city's dispatcher and 东城区's handler."""
    demand = services.dispatch(world.dispatcher_city, demand, unit=world.district_a)
    demand = services.sign(world.handler_a, demand)
    return services.finish(world.handler_a, demand, outcome=Outcome.RESOLVED, explanation="已联系物业修复电梯。")
