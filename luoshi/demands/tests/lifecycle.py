"""Helpers that put a demand into any state through the real services."""

from __future__ import annotations

from typing import Any

from luoshi.demands import services
from luoshi.demands.choices import Outcome, Satisfaction
from luoshi.demands.models import Category, Demand, DemandChannel
from luoshi.testing.world import World

NAME, PHONE = "张三丰", "13812341234"


def hotline() -> DemandChannel:
    return DemandChannel.objects.get(code="hotline")


def category(name: str = "物业服务") -> Category:
    return Category.objects.get(name=name)


def received(world: World, actor: Any = "dispatcher", **kw: Any) -> Demand:
    params: dict[str, Any] = {
        "channel": hotline(),
        "category": category(),
        "title": "小区电梯长期故障",
        "content": "3 号楼电梯停运两周，物业未维修。",
        "citizen_name": NAME,
        "citizen_phone": PHONE,
    }
    params.update(kw)
    return services.receive_demand(world.dispatcher_city if actor == "dispatcher" else actor, **params)


def dispatched(world: World, unit: Any = None, **kw: Any) -> Demand:
    return services.dispatch(world.dispatcher_city, received(world, **kw), unit=unit or world.district_a)


def signed(world: World, **kw: Any) -> Demand:
    return services.sign(world.handler_a, dispatched(world, **kw))


def responded(world: World, **kw: Any) -> Demand:
    return services.respond(world.handler_a, signed(world, **kw), note="已电话联系群众")


def finished(world: World, outcome: str = Outcome.RESOLVED, **kw: Any) -> Demand:
    return services.finish(world.handler_a, responded(world, **kw), outcome=outcome, explanation="已督促物业修复")


def called_back(world: World, satisfaction: str = Satisfaction.SATISFIED, **kw: Any) -> Demand:
    return services.call_back(world.dispatcher_city, finished(world, **kw), satisfaction=satisfaction)
