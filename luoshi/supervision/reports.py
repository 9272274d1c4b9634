"""The supervision report of one unit (督导反馈报告): its lifecycle on the tracked-work engine and its services.

A report belongs to a group, the unit it supervised and a round (one each). The office that sends the group
(MANAGE_SUPERVISION over the group's unit) or the group's leader (组长, while the group is assigned the unit)
generates it as a Word document from the group's visits and findings in that unit: each generation is a new
``ReportVersion`` (number + 1, stored with its SHA-256; every version is kept) and only a draft is
generated again. They issue it (印发): the document is frozen and the unit's leaders and liaisons
(ACKNOWLEDGE_SUPERVISION over its unit) acknowledge it (签收) with an optional reply. Until they do, the writers
may withdraw it (撤回) to a draft with a reason, regenerate and issue it again. Every write is audited; every
download of a version too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.access.scope import ScopedQuerySet
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind
from luoshi.orgs.models import Unit
from luoshi.supervision import queries
from luoshi.supervision.choices import EventKind, MemberRole, ReportState
from luoshi.supervision.documents import render_report
from luoshi.supervision.models import (
    GroupAssignment,
    GroupMember,
    ReportEvent,
    ReportVersion,
    SupervisionGroup,
    SupervisionReport,
)
from luoshi.tracking import engine
from luoshi.tracking.workflow import Transition, Workflow
from luoshi.urging.registry import Urgeable, register

MAX_ROUND = 99
MAX_NOTE = 2000

# --- the workflow ------------------------------------------------------------------------------------------------

TRANSITIONS: dict[str, Transition] = {
    # VIEW over the report's unit, then the guard: the sending office or the group's leader (two kinds of user
    # that hold no one permission in common).
    "issue": Transition(gettext_lazy("印发"), (ReportState.DRAFT,), ReportState.ISSUED, Perm.VIEW, EventKind.ISSUED),
    # before the unit acknowledges it, the writers take an issued report back to a draft, with a reason
    "withdraw": Transition(
        gettext_lazy("撤回"), (ReportState.ISSUED,), ReportState.DRAFT, Perm.VIEW, EventKind.WITHDRAWN
    ),
    "acknowledge": Transition(
        gettext_lazy("签收"),
        (ReportState.ISSUED,),
        ReportState.ACKNOWLEDGED,
        Perm.ACKNOWLEDGE_SUPERVISION,
        EventKind.ACKNOWLEDGED,
    ),
}

WORKFLOW = Workflow(pgettext_lazy("supervision report", "督导报告"), ReportState, TRANSITIONS)


def report_url(report: SupervisionReport) -> str:
    return reverse("supervision:report", args=[report.pk])


def report_title(report: SupervisionReport) -> str:
    return _("督导反馈报告：{group} · {unit}").format(group=report.group.name, unit=report.unit.name)


def register_urging() -> None:
    """An issued report is urged until its unit acknowledges it (催签收); findings are the group's own work and
    are urged once transferred, as problems of the unit."""
    register(
        Urgeable(
            model=SupervisionReport,
            unit=lambda r: r.unit_id,
            title=report_title,
            url=report_url,
            is_open=lambda r: r.state == ReportState.ISSUED,
            related=("group", "unit"),
            audience=Perm.ACKNOWLEDGE_SUPERVISION,
        )
    )


def may_write(user: Any, group: SupervisionGroup, unit: Unit) -> bool:
    """The sending office (MANAGE_SUPERVISION over the group's unit), or the group's leader while the group is
    assigned the unit (and so supervises it): who generates and issues the unit's report."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if queries.manages(user, group):
        return True
    if not scope.can(user, Perm.SUPERVISE, unit.path) or not queries.is_leader(user, group):
        return False
    return queries.running_assignment(group, unit) is not None


def _not_writer(actor: Any, item: SupervisionReport) -> str | None:
    if not may_write(actor, item.group, item.unit):
        return _("只有派出督导组的单位或督导组组长才能生成和印发督导报告。")
    return None


def _not_issuable(actor: Any, item: SupervisionReport) -> str | None:
    refused = _not_writer(actor, item)
    if refused:
        return refused
    if not item.versions.exists():
        return _("请先生成报告文件再印发。")
    return None


class ReportTracker(engine.Tracker[SupervisionReport]):
    def notify(self, actor: Any, item: SupervisionReport, step: Transition | str) -> None:
        """印发 and 撤回 → the unit's leaders and liaisons; 签收 → the group's leader."""
        action = self.workflow.name_of(step) if isinstance(step, Transition) else ""
        if action == "issue":
            to = notices.users_of_unit(item.unit_id, Perm.ACKNOWLEDGE_SUPERVISION)
            title = _("督导反馈报告已印发，请签收：{group}").format(group=item.group.name)
            notices.notify(to, kind=NoticeKind.ASSIGNED, title=title, url=report_url(item), obj=item)
        elif action == "withdraw":  # the unit no longer reads the draft: the notice leads to its reports
            to = notices.users_of_unit(item.unit_id, Perm.ACKNOWLEDGE_SUPERVISION)
            title = _("督导反馈报告已撤回，无需签收：{group}").format(group=item.group.name)
            url = reverse("supervision:reports_mine")
            notices.notify(to, kind=NoticeKind.OTHER, title=title, url=url, obj=item)
        elif action == "acknowledge":
            leaders = GroupMember.objects.filter(group_id=item.group_id, role=MemberRole.LEADER)
            to = list(leaders.values_list("user_id", flat=True))
            title = _("{unit}已签收督导反馈报告").format(unit=item.unit.name)
            notices.notify(to, kind=NoticeKind.DECIDED, title=title, url=report_url(item), obj=item)


TRACKER = ReportTracker(
    model=SupervisionReport,
    workflow=WORKFLOW,
    event_model=ReportEvent,
    item_field="report",
    stale_message=gettext_lazy("该督导报告已被他人修改，请刷新页面后重试。"),
    related=("group", "unit"),
    activities={
        "generate": engine.Activity(gettext_lazy("生成报告"), Perm.VIEW, (ReportState.DRAFT,), _not_writer),
    },
    guards={"issue": _not_issuable, "withdraw": _not_writer},
)


def available_actions(actor: Any, report: SupervisionReport) -> list[str]:
    """What ``actor`` may do with ``report`` now: buttons, action pages and the API's ``allowed_actions``."""
    return engine.available_actions(TRACKER, actor, report)


# --- generating -------------------------------------------------------------------------------------------------


def _check_round(group: SupervisionGroup, round_: int | None) -> int:
    chosen = group.round if round_ is None else round_
    if not 1 <= chosen <= MAX_ROUND:
        raise RuleViolation(_("轮次应在 1 到 {most} 之间。").format(most=MAX_ROUND), code="round")
    return chosen


def _check_due(due_date: dt.date | None) -> None:
    if due_date is not None and due_date < timezone.localdate():
        raise RuleViolation(_("整改时限不能早于今天。"), code="due_date")


def _report_for(actor: Any, group: SupervisionGroup, unit: Unit, round_: int, due: dt.date | None) -> SupervisionReport:
    """The report of (group, unit, round), made (and audited) if it does not exist yet."""
    report, created = SupervisionReport.objects.get_or_create(
        group=group,
        unit=unit,
        round=round_,
        defaults={"org_path": unit.path, "state": ReportState.DRAFT, "due_date": due},
    )
    if created:
        detail = _("新建督导报告：{group} · {unit}").format(group=group.name, unit=unit.name)
        record(Action.CREATE, actor=actor, obj=report, detail=detail[:200], after={"round": round_})
    return report


def _store(report: SupervisionReport, number: int, data: bytes) -> str:
    """Keep the document under MEDIA_ROOT/supervision/ (a name nobody can guess)."""
    name = f"report-{report.pk}-v{number}-{secrets.token_hex(8)}.docx"
    field = ReportVersion._meta.get_field("file")
    return default_storage.save(field.generate_filename(None, name), ContentFile(data))


@transaction.atomic
def generate_report(
    actor: Any,
    group: SupervisionGroup,
    unit: Unit,
    round: int | None = None,
    due_date: dt.date | None = None,
) -> ReportVersion:
    """生成报告: the report of ``unit`` by ``group`` in ``round`` (the group's round by default), made if needed,
    and a new version of its Word document from the group's visits and findings in the unit. Only a draft is
    generated again; a given ``due_date`` (整改时限) replaces the report's."""
    if not scope.can(actor, Perm.VIEW, unit.path):
        raise NotAllowed(_("您无权生成该单位的督导报告。"))
    if not may_write(actor, group, unit):
        raise NotAllowed(_("只有派出督导组的单位或督导组组长才能生成和印发督导报告。"))
    if not GroupAssignment.objects.filter(group=group, unit=unit).exists():
        raise RuleViolation(_("「{unit}」不是该督导组的督导对象。").format(unit=unit.name), code="unit")
    chosen = _check_round(group, round)
    _check_due(due_date)
    report = _report_for(actor, group, unit, chosen, due_date)
    fresh = engine.require_activity(TRACKER, actor, report, "generate")
    number = (fresh.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    changed: dict[str, Any] = {"due_date": due_date} if due_date is not None and due_date != fresh.due_date else {}
    note = _("第 {number} 版").format(number=number)
    fresh = engine.update(TRACKER, actor, fresh, EventKind.GENERATED, _("生成报告"), note=note, **changed)
    data = render_report(fresh)
    stored = _store(fresh, number, data)
    try:
        version = ReportVersion.objects.create(
            report=fresh,
            org_path=fresh.org_path,
            number=number,
            file=stored,
            sha256=hashlib.sha256(data).hexdigest(),
            made_by=actor,
        )
    except BaseException:
        default_storage.delete(stored)
        raise
    return version


# --- transitions --------------------------------------------------------------------------------------------


@transaction.atomic
def issue_report(
    actor: Any, report: SupervisionReport, *, note: str = "", version: int | None = None
) -> SupervisionReport:
    """印发: the latest version becomes the report the unit receives; the report is frozen from now on."""
    fresh, step = engine.start(TRACKER, actor, report, "issue", version)
    return engine.move(TRACKER, actor, fresh, step, note=note.strip()[:MAX_NOTE], issued_at=timezone.now())


@transaction.atomic
def withdraw_report(
    actor: Any, report: SupervisionReport, *, note: str = "", version: int | None = None
) -> SupervisionReport:
    """撤回: an issued report the unit has not acknowledged goes back to a draft, to be regenerated and issued
    again; the reason (required) is on the timeline and the unit is told."""
    fresh, step = engine.start(TRACKER, actor, report, "withdraw", version)
    reason = note.strip()[:MAX_NOTE]
    if not reason:
        raise RuleViolation(_("请填写撤回原因。"), code="note")
    return engine.move(TRACKER, actor, fresh, step, note=reason, issued_at=None)


@transaction.atomic
def acknowledge_report(
    actor: Any, report: SupervisionReport, *, note: str = "", version: int | None = None
) -> SupervisionReport:
    """签收: the unit confirms it received the report, with an optional reply (回复意见) on the timeline."""
    fresh, step = engine.start(TRACKER, actor, report, "acknowledge", version)
    return engine.move(
        TRACKER,
        actor,
        fresh,
        step,
        note=note.strip()[:MAX_NOTE],
        acknowledged_at=timezone.now(),
        acknowledged_by=actor,
    )


# --- reading ------------------------------------------------------------------------------------------------


def visible_reports(user: Any) -> ScopedQuerySet[SupervisionReport]:
    """The reports ``user`` may read: those of units in their scope, drafts only for the sending office and the
    group's members (a unit reads its report once it is issued)."""
    writers = scope.visible_q(user, Perm.MANAGE_SUPERVISION, "group__org_path")
    if getattr(user, "pk", None) is not None:
        member = GroupMember.objects.filter(group_id=OuterRef("group_id"), user_id=user.pk)
        writers |= Q(Exists(member))
    return SupervisionReport.objects.visible_to(user, Perm.VIEW).filter(~Q(state=ReportState.DRAFT) | writers)


def download_name(version: ReportVersion) -> str:
    report = version.report
    return f"{report.unit.name}督导反馈报告（第{report.round}轮·第{version.number}版）.docx"


def open_version(actor: Any, version: ReportVersion) -> tuple[IO[bytes], str]:
    """The stored document of a version for a viewer of the report's unit, and its name; audited."""
    scope.require(actor, Perm.VIEW, version.org_path, _("您无权下载该督导报告。"))
    if not visible_reports(actor).filter(pk=version.report_id).exists():
        raise NotAllowed(_("督导报告印发前只有派出单位和督导组成员可以查看。"))
    if not version.file or not default_storage.exists(version.file.name):
        raise RuleViolation(_("报告文件不存在，请重新生成。"))
    report = version.report
    detail = _("下载督导报告：{unit} 第 {number} 版").format(unit=report.unit.name, number=version.number)
    record(Action.EXPORT, actor=actor, obj=version, detail=detail[:200])
    return default_storage.open(version.file.name, "rb"), download_name(version)
