"""The tracked-work contract for research plans (调研方案): every transition × every role."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.research import services
from luoshi.research.tests.factory import convert_problem, convert_task, in_state, report
from luoshi.testing.tracked import ContractCase, TrackedWorkContract
from luoshi.testing.world import World

ROLES = (
    "office_a",
    "office_city",
    "office_b",
    "liaison_a",
    "leader_a",
    "leader_a2",
    "liaison_b",
    "supervisor_a",
    "handler_a",
)


class TestPlanContract(TrackedWorkContract):
    @pytest.fixture
    def case(self, world: World) -> ContractCase:
        calls: dict[str, Any] = {
            "submit": lambda a, i, v: services.submit_plan(a, i, version=v),
            "return": lambda a, i, v: services.return_plan(a, i, comments="请补充调研对象", version=v),
            "approve": lambda a, i, v: services.approve_plan(a, i, comments="同意", version=v),
            "start": lambda a, i, v: services.start_fieldwork(a, i, version=v),
            "report": lambda a, i, v: services.report_result(a, i, summary="成果", files=_report_file(), version=v),
            "convert_task": lambda a, i, v: convert_task(world, i, actor=a, version=v),
            "convert_problem": lambda a, i, v: convert_problem(world, i, actor=a, version=v),
        }
        return ContractCase(
            tracker=services.TRACKER,
            make=lambda state: in_state(world, state),
            calls=calls,
            users={name: getattr(world, name) for name in ROLES},
            doers={
                "submit": "liaison_a",
                "return": "office_a",
                "approve": "office_a",
                "start": "leader_a",
                "report": "liaison_a",
                "convert_task": "office_a",
                "convert_problem": "liaison_a",
            },
            elsewhere=world.district_b.path,
        )


def _report_file() -> list[Any]:
    from luoshi.testing.problems import png

    return [png("调研报告.png")]


def test_the_factory_reports_through_the_service(world: World) -> None:
    plan = in_state(world, "fieldwork")
    assert report(world, plan).state == "reported"
