"""Excel of classes of study: coverage per unit (distinct people, attendances, half-days), a rotation's people
not yet trained, a session's attendance. Cells from user input are neutralised by ``luoshi.core.excel``; every
export is audited."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import NotAllowed
from luoshi.core.excel import Column, Kind, table_bytes
from luoshi.orgs.models import Unit
from luoshi.study import coverage, queries, rotations
from luoshi.study.choices import AttendanceStatus, SignInMethod
from luoshi.study.models import StudySession, TrainingRotation

MAX_ROWS = 200_000
STATUSES = dict(AttendanceStatus.choices)
METHODS = dict(SignInMethod.choices)


def _require_export(user: Any, path: str) -> None:
    if not scope.can(user, Perm.EXPORT, path):
        raise NotAllowed(_("您无权导出。"))


def _row(item: coverage.UnitCoverage) -> tuple[Any, ...]:
    rate = item.people / item.members if item.members else None
    return (item.unit.name, item.members, item.people, rate, item.attendances, item.half_days)


def coverage_workbook(user: Any, campaign: Campaign, unit: Unit) -> bytes:
    """The unit's subtree and each child: members, distinct people covered, rate, attendances, half-days."""
    _require_export(user, unit.path)
    rows = [_row(coverage.unit_coverage(campaign, unit)), *map(_row, coverage.coverage_by_unit(campaign, unit))]
    columns = [
        Column(gettext_lazy("单位（含下级）"), width=28),
        Column(gettext_lazy("在册人数"), Kind.INTEGER),
        Column(gettext_lazy("参学人数（去重）"), Kind.INTEGER, width=16),
        Column(gettext_lazy("覆盖率"), Kind.PERCENT),
        Column(gettext_lazy("参学人次"), Kind.INTEGER),
        Column(gettext_lazy("举办半天数"), Kind.INTEGER),
    ]
    content, count = table_bytes(gettext_lazy("学习覆盖"), columns, rows)
    record(Action.EXPORT, actor=user, obj=unit, detail=f"导出学习覆盖 {count} 行", after={"rows": count})
    return content


def not_trained_workbook(user: Any, rotation: TrainingRotation) -> bytes:
    """The target group's people not yet trained: number, name, unit, position, half-days attended."""
    _require_export(user, rotation.org_path)
    done = {row["member_id"]: row["n"] for row in rotations.half_days_by_member(rotation)}
    members = rotations.not_trained(rotation).order_by("org_path", "number")[:MAX_ROWS]
    rows = ((m.number, m.name, m.unit.name, m.position, done.get(m.pk, 0)) for m in members)
    columns = [
        Column(gettext_lazy("编号"), width=16),
        Column(gettext_lazy("姓名"), width=12),
        Column(gettext_lazy("所在单位"), width=28),
        Column(gettext_lazy("职务"), width=20),
        Column(gettext_lazy("已参训半天数"), Kind.INTEGER, width=14),
    ]
    content, count = table_bytes(gettext_lazy("未完成轮训人员"), columns, rows)
    record(Action.EXPORT, actor=user, obj=rotation, detail=f"导出未完成轮训人员 {count} 人", after={"rows": count})
    return content


def attendance_workbook(user: Any, session: StudySession) -> bytes:
    """A session's roster with each member's mark."""
    _require_export(user, session.org_path)
    rows = (
        (r.member.number, r.member.name, r.member.unit.name, STATUSES.get(r.status, ""), METHODS.get(r.method, ""))
        for r in queries.roster_rows(session)
    )
    columns = [
        Column(gettext_lazy("编号"), width=16),
        Column(gettext_lazy("姓名"), width=12),
        Column(gettext_lazy("所在单位"), width=28),
        Column(gettext_lazy("考勤"), width=10),
        Column(gettext_lazy("签到方式"), width=12),
    ]
    content, count = table_bytes(gettext_lazy("考勤"), columns, rows)
    record(Action.EXPORT, actor=user, obj=session, detail=f"导出考勤 {count} 人", after={"rows": count})
    return content
