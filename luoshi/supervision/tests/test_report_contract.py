"""The tracked-work contract for supervision reports (督导反馈报告): every transition × every role."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.supervision import reports
from luoshi.supervision.models import SupervisionReport
from luoshi.supervision.tests.factory import build
from luoshi.supervision.tests.test_reports import frozen  # noqa: F401 - the frozen clock of the report tests
from luoshi.testing.tracked import ContractCase, TrackedWorkContract
from luoshi.testing.world import World

ROLES = (
    "office_a",
    "office_city",
    "office_b",
    "liaison_a",
    "leader_a",
    "liaison_b",
    "supervisor_a",
    "handler_a",
    "secadmin",
)


class TestReportContract(TrackedWorkContract):
    @pytest.fixture
    def case(self, world: World) -> ContractCase:
        sup = build(world)

        def make(state: str) -> SupervisionReport:
            SupervisionReport.objects.filter(group=sup.group).delete()
            report = reports.generate_report(world.office_a, sup.group, world.street_a).report
            SupervisionReport.objects.filter(pk=report.pk).update(state=state)
            return SupervisionReport.objects.get(pk=report.pk)

        calls: dict[str, Any] = {
            "issue": lambda a, i, v: reports.issue_report(a, i, note="印发", version=v),
            "acknowledge": lambda a, i, v: reports.acknowledge_report(a, i, note="收到", version=v),
            "withdraw": lambda a, i, v: reports.withdraw_report(a, i, note="撤回重发", version=v),
        }
        users = {name: getattr(world, name) for name in ROLES}
        users.update({"group_leader": sup.leader, "group_member": sup.member})
        return ContractCase(
            tracker=reports.TRACKER,
            make=make,
            calls=calls,
            users=users,
            doers={"issue": "group_leader", "acknowledge": "liaison_a", "withdraw": "office_a"},
            elsewhere=world.district_b.path,
        )
