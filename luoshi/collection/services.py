"""The only code that writes periodic collection (定期报送): templates and their versions, rounds, submissions.

The office (MANAGE_COLLECTION) defines templates and opens rounds; opening a round inserts one submission per
target unit in bulk, with one audit record, and notifies the units' liaisons once the transaction commits.
Submissions move on the tracked-work engine: units' liaisons (SUBMIT_COLLECTION) save and submit them, the office
that opened the round accepts them or sends them back with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change, snapshot
from luoshi.campaigns.models import Campaign
from luoshi.collection import workflow
from luoshi.collection.choices import UNFILED_STATES, Cycle, EventKind, FieldKind, State
from luoshi.collection.fields import ValuesInvalid, check_definition, clean_values
from luoshi.collection.models import CollectionRound, CollectionTemplate, Submission, SubmissionEvent, SubmissionFile
from luoshi.core import paths
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.uploads import check_upload
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind
from luoshi.orgs.models import Unit, UnitKind
from luoshi.tracking import engine
from luoshi.tracking.files import evidence_files
from luoshi.tracking.workflow import Transition
from luoshi.urging import services as urging

BATCH = 1000
MAX_FILES = 10


def submission_url(item: Submission) -> str:
    return reverse("collection:submission", args=[item.pk])


# --- the tracker ----------------------------------------------------------------------------------------------


def _not_round_office(actor: Any, item: Submission) -> str | None:
    if actor is None or not scope.can(actor, Perm.MANAGE_COLLECTION, item.round.org_path):
        return _("只有开启该报送轮次的单位才能审核。")
    return None


class SubmissionTracker(engine.Tracker[Submission]):
    def notify(self, actor: Any, item: Submission, step: Transition | str) -> None:
        """退回 → the unit's liaisons; 审核通过 → who submitted."""
        action = self.workflow.name_of(step) if isinstance(step, Transition) else ""
        if action == "return":
            to = notices.users_of_unit(item.unit_id, Perm.SUBMIT_COLLECTION)
            if item.submitted_by_id:
                to.append(item.submitted_by_id)
            title = _("报送被退回：{round}").format(round=item.round.title)
            notices.notify(
                to, kind=NoticeKind.SENT_BACK, title=title, body=item.return_reason, url=submission_url(item), obj=item
            )
        elif action == "accept" and item.submitted_by_id:
            title = _("报送已审核：{round}").format(round=item.round.title)
            notices.notify(
                [item.submitted_by_id], kind=NoticeKind.DECIDED, title=title, url=submission_url(item), obj=item
            )


TRACKER = SubmissionTracker(
    model=Submission,
    workflow=workflow.WORKFLOW,
    event_model=SubmissionEvent,
    item_field="submission",
    stale_message=gettext_lazy("该报送已被他人修改，请刷新页面后重试。"),
    related=("round__template",),
    guards={"accept": _not_round_office, "return": _not_round_office},
)


def available_actions(actor: Any, submission: Submission) -> list[str]:
    """What ``actor`` may do with ``submission`` now: buttons, action pages and the API's ``allowed_actions``."""
    return engine.available_actions(TRACKER, actor, submission)


# --- templates --------------------------------------------------------------------------------------------------


def _check_scope(campaign: Campaign, unit: Unit) -> None:
    if not campaign.is_active:
        raise RuleViolation(_("活动「{campaign}」已结束。").format(campaign=campaign))
    if not paths.is_within(unit.path, campaign.unit.path):
        raise RuleViolation(_("单位「{unit}」不在活动「{campaign}」的范围内。").format(unit=unit, campaign=campaign))


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise RuleViolation(_("模板名称不能为空。"))
    if len(name) > 100:
        raise RuleViolation(_("模板名称不能超过 100 字。"))
    return name


def _cycle(cycle: str) -> str:
    if cycle not in Cycle.values:
        raise RuleViolation(_("报送周期无效。"))
    return cycle


def create_template(
    actor: User,
    *,
    campaign: Campaign,
    unit: Unit,
    name: str,
    fields: Sequence[Mapping[str, Any]],
    rules: Sequence[Mapping[str, Any]] = (),
    cycle: str = Cycle.WEEKLY,
    target_kind: UnitKind | None = None,
    description: str = "",
) -> CollectionTemplate:
    """新建报送模板: version 1 of a new family, by the office of ``unit`` (the root of its target units)."""
    scope.require(actor, Perm.MANAGE_COLLECTION, unit.path, _("您无权在该单位设置报送模板。"))
    _check_scope(campaign, unit)
    cleaned, checked = check_definition(fields, rules)
    template = CollectionTemplate(
        campaign=campaign,
        unit=unit,
        org_path=unit.path,
        target_kind=target_kind,
        name=_name(name),
        description=description.strip(),
        cycle=_cycle(cycle),
        fields=cleaned,
        rules=checked,
        created_by=actor,
    )
    with transaction.atomic():
        template.save()
        template.family = template
        template.save(update_fields=["family"])
        record_change(actor, template, None, detail="新建报送模板")
    return template


def revise_template(
    actor: User,
    template: CollectionTemplate,
    *,
    name: str | None = None,
    fields: Sequence[Mapping[str, Any]] | None = None,
    rules: Sequence[Mapping[str, Any]] | None = None,
    cycle: str | None = None,
    target_kind: UnitKind | bool | None = False,
    description: str | None = None,
) -> CollectionTemplate:
    """修改报送模板: a version no round was opened on is changed in place; otherwise the change is the next version
    of the family (number + 1) and the rounds already opened keep theirs. Only the current version is changed."""
    scope.require(actor, Perm.MANAGE_COLLECTION, template.org_path, _("您无权修改该报送模板。"))
    with transaction.atomic():
        fresh = (
            CollectionTemplate.objects.select_for_update().select_related("campaign__unit", "unit").get(pk=template.pk)
        )
        if not fresh.is_current:
            raise RuleViolation(_("只能修改模板的当前版本。"), code="not_current")
        _check_scope(fresh.campaign, fresh.unit)
        cleaned, checked = check_definition(
            fresh.fields if fields is None else fields, fresh.rules if rules is None else rules
        )
        changes: dict[str, Any] = {
            "name": fresh.name if name is None else _name(name),
            "description": fresh.description if description is None else description.strip(),
            "cycle": fresh.cycle if cycle is None else _cycle(cycle),
            "fields": cleaned,
            "rules": checked,
            "target_kind": fresh.target_kind if target_kind is False else target_kind,
        }
        if not fresh.rounds.exists():
            before = snapshot(fresh)
            for key, value in changes.items():
                setattr(fresh, key, value)
            fresh.save()
            record_change(actor, fresh, before, detail="修改报送模板")
            return fresh
        revised = CollectionTemplate.objects.create(
            campaign=fresh.campaign,
            unit=fresh.unit,
            org_path=fresh.org_path,
            family_id=fresh.family_id or fresh.pk,
            number=fresh.number + 1,
            created_by=actor,
            **changes,
        )
        CollectionTemplate.objects.filter(pk=fresh.pk).update(is_current=False)
        record_change(actor, revised, None, detail=f"报送模板新版本 v{revised.number}")
    return revised


# --- rounds -----------------------------------------------------------------------------------------------------


def target_units(template: CollectionTemplate) -> list[tuple[int, str]]:
    """(id, path) of every unit a round of ``template`` goes to: the units under its root, or those of its kind."""
    found = Unit.objects.subtree(template.unit).exclude(pk=template.unit_id)
    if template.target_kind_id is not None:
        found = found.filter(kind_id=template.target_kind_id)
    return list(found.order_by("path").values_list("pk", "path"))


def _check_period(label: str, start: dt.date, end: dt.date, deadline: dt.date) -> str:
    label = label.strip()
    if not label:
        raise RuleViolation(_("请填写报送期（如 2026年第49周）。"))
    if len(label) > 40:
        raise RuleViolation(_("报送期不能超过 40 字。"))
    if end < start:
        raise RuleViolation(_("期间结束日期不能早于开始日期。"))
    if deadline < start:
        raise RuleViolation(_("截止日期不能早于期间开始日期。"))
    return label


def _notify_opened(round_: CollectionRound, rows: list[Submission]) -> None:
    """报送轮次开启: every user holding SUBMIT_COLLECTION on each target unit, in one INSERT after the commit."""

    def make() -> list[Any]:
        holders = notices.users_of_units({row.unit_id for row in rows}, Perm.SUBMIT_COLLECTION)
        title = _("请报送：{round}（{deadline} 前）").format(round=round_.title, deadline=f"{round_.deadline:%Y-%m-%d}")
        built = []
        for row in rows:
            built += notices.build(
                holders[row.unit_id], kind=NoticeKind.ROUND_OPENED, title=title, url=submission_url(row), obj=row
            )
        return built

    notices.send_later(make)


def open_round(
    actor: User,
    template: CollectionTemplate,
    *,
    period_label: str,
    period_start: dt.date,
    period_end: dt.date,
    deadline: dt.date,
) -> CollectionRound:
    """开启报送轮次 on the template's current version: one submission per target unit (one bulk insert, one audit
    record); the units' liaisons are notified once the transaction commits."""
    scope.require(actor, Perm.MANAGE_COLLECTION, template.org_path, _("您无权开启该模板的报送。"))
    label = _check_period(period_label, period_start, period_end, deadline)
    with transaction.atomic():
        fresh = (
            CollectionTemplate.objects.select_for_update().select_related("campaign__unit", "unit").get(pk=template.pk)
        )
        if not fresh.is_current:
            raise RuleViolation(_("该模板已有新版本，请在当前版本上开启报送。"), code="not_current")
        _check_scope(fresh.campaign, fresh.unit)
        family = fresh.family_id or fresh.pk
        if CollectionRound.objects.filter(template__family_id=family, period_start=period_start).exists():
            raise RuleViolation(_("该模板已开启过 {start} 起的报送期。").format(start=f"{period_start:%Y-%m-%d}"))
        targets = target_units(fresh)
        if not targets:
            raise RuleViolation(_("「{unit}」下没有需要报送的单位。").format(unit=fresh.unit))
        round_ = CollectionRound.objects.create(
            template=fresh,
            org_path=fresh.org_path,
            period_label=label,
            period_start=period_start,
            period_end=period_end,
            deadline=deadline,
            opened_by=actor,
        )
        rows = [Submission(round=round_, unit_id=pk, org_path=path, state=State.PENDING) for pk, path in targets]
        Submission.objects.bulk_create(rows, batch_size=BATCH)
        rows = list(Submission.objects.filter(round=round_).order_by("id"))
        at = timezone.now()
        events = [
            SubmissionEvent(submission=row, org_path=row.org_path, at=at, actor=actor, kind=EventKind.OPENED)
            for row in rows
        ]
        SubmissionEvent.objects.bulk_create(events, batch_size=BATCH)
        record(
            Action.CREATE,
            actor=actor,
            obj=round_,
            detail=f"开启报送「{round_.title}」，{len(rows)} 个单位"[:200],
            after={**snapshot(round_), "submissions": len(rows)},
        )
        _notify_opened(round_, rows)
    return round_


# --- submissions --------------------------------------------------------------------------------------------------


def _merge(
    template: CollectionTemplate,
    stored: Mapping[str, Any],
    values: Mapping[str, Any] | None,
    new_files: Mapping[str, list[int]],
) -> dict[str, Any]:
    """What the unit filled in now: its input for ordinary fields, its stored files unless it uploaded new ones."""
    raw: dict[str, Any] = dict(stored if values is None else values)
    for field in template.fields:
        if field["kind"] == FieldKind.FILE:
            key = field["key"]
            raw[key] = new_files.get(key) or stored.get(key)
    return raw


def _store_files(
    stored: list[Any],
    actor: User,
    item: Submission,
    template: CollectionTemplate,
    files: Mapping[str, Iterable[UploadedFile]],
) -> dict[str, list[int]]:
    file_keys = {f["key"]: f["label"] for f in template.fields if f["kind"] == FieldKind.FILE}
    made: dict[str, list[int]] = {}
    for key, uploads_of in files.items():
        uploads = [u for u in uploads_of if u]
        if not uploads:
            continue
        if key not in file_keys:
            raise ValuesInvalid({key: _("模板没有附件字段「{key}」。").format(key=key)})
        if len(uploads) > MAX_FILES:
            raise ValuesInvalid({key: _("「{label}」至多 {n} 个附件。").format(label=file_keys[key], n=MAX_FILES)})
        checked = [check_upload(u) for u in uploads]
        before = len(stored)
        for upload, info in zip(uploads, checked, strict=True):
            found = SubmissionFile(
                submission=item,
                field_key=key,
                org_path=item.org_path,
                original_name=info.name,
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
                uploaded_by=actor,
            )
            found.file.save(f"{info.sha256[:16]}.{info.extension}", upload, save=False)
            found.save()
            stored.append(found)
        made[key] = [f.pk for f in stored[before:]]
    return made


def _fill(
    actor: User,
    action: str,
    submission: Submission,
    values: Mapping[str, Any] | None,
    files: Mapping[str, Iterable[UploadedFile]] | None,
    version: int | None,
) -> Submission:
    with evidence_files() as stored, transaction.atomic():
        fresh, step = engine.start(TRACKER, actor, submission, action, version)
        template = fresh.round.template
        full = action == "submit"
        clean_values(template.fields, template.rules, _merge(template, fresh.values, values, {}), full=False)
        new_files = _store_files(stored, actor, fresh, template, files or {})
        cleaned = clean_values(
            template.fields, template.rules, _merge(template, fresh.values, values, new_files), full=full
        )
        extra: dict[str, Any] = {"values": cleaned}
        if full:
            now = timezone.now()
            extra |= {
                "submitted_at": now,
                "submitted_by": actor,
                "late": timezone.localdate(now) > fresh.round.deadline,
            }
        return engine.move(TRACKER, actor, fresh, step, **extra)


def save_draft(
    actor: User,
    submission: Submission,
    *,
    values: Mapping[str, Any],
    files: Mapping[str, Iterable[UploadedFile]] | None = None,
    version: int | None = None,
) -> Submission:
    """暂存: the values are kept after a type check only (required fields, limits and rules wait for 报送)."""
    return _fill(actor, "save", submission, values, files, version)


def submit(
    actor: User,
    submission: Submission,
    *,
    values: Mapping[str, Any] | None = None,
    files: Mapping[str, Iterable[UploadedFile]] | None = None,
    version: int | None = None,
) -> Submission:
    """报送: the values (or the draft's, when none are given) checked against every field and rule; after the
    round's deadline the submission is marked late (逾期)."""
    return _fill(actor, "submit", submission, values, files, version)


@transaction.atomic
def accept(actor: User, submission: Submission, *, note: str = "", version: int | None = None) -> Submission:
    """审核通过: the office that opened the round accepts the submission."""
    fresh, step = engine.start(TRACKER, actor, submission, "accept", version)
    return engine.move(TRACKER, actor, fresh, step, note=note.strip()[:500], reviewed_at=timezone.now())


@transaction.atomic
def return_submission(actor: User, submission: Submission, *, reason: str, version: int | None = None) -> Submission:
    """退回 with a reason: the unit corrects and submits again; its liaisons are notified."""
    fresh, step = engine.start(TRACKER, actor, submission, "return", version)
    reason = reason.strip()
    if not reason:
        raise RuleViolation(_("退回时请填写理由。"))
    return engine.move(
        TRACKER, actor, fresh, step, note=reason[:500], return_reason=reason[:2000], reviewed_at=timezone.now()
    )


# --- urging ---------------------------------------------------------------------------------------------------


def urge_message(round_: CollectionRound) -> str:
    return _("请于 {deadline} 前完成「{round}」的报送。").format(
        round=round_.title, deadline=f"{round_.deadline:%Y-%m-%d}"
    )


def urge_unfiled(actor: User, round_: CollectionRound, *, message: str = "") -> list[Any]:
    """催办未填报单位: every submission of the round the actor may urge that is not filed yet, in one action
    through the urging service (level 催办)."""
    if not scope.has_perm_anywhere(actor, Perm.URGE):
        raise NotAllowed(_("您无权催办。"))
    items = list(
        Submission.objects.visible_to(actor, Perm.URGE)
        .filter(round=round_, state__in=UNFILED_STATES)
        .select_related("round__template", "unit")
        .order_by("org_path")
    )
    if not items:
        raise RuleViolation(_("没有需要催办的未填报单位。"))
    text = message.strip() or urge_message(round_)
    made: list[Any] = []
    with transaction.atomic():
        for start in range(0, len(items), urging.MAX_ITEMS):
            made += urging.urge(actor, items[start : start + urging.MAX_ITEMS], message=text, level="urge")
    return made
