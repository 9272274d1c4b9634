"""The only code that writes study plans (学习计划) of leadership groups; their items feed the study list (学习清单).

A unit's organisers (ORGANISE_STUDY over it) draft a plan of a campaign with its items (学习专题, planned date,
half-days, form) and edit them while the plan is a draft or returned; the plan moves on the tracked-work engine:
submitted, returned with comments or approved by MANAGE_STUDY over the unit (never by whoever made the plan), then
its items are marked done (optionally naming the session where the topic was studied) and the plan is complete once
every item is done, or when the unit completes it. Approved and done plans show their items in the unit's study list
(``luoshi.fourlists``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change
from luoshi.campaigns.models import Campaign
from luoshi.core import paths
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.excel import Cells, Column, table_bytes
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind
from luoshi.orgs.models import Unit
from luoshi.study import workflow
from luoshi.study.choices import OPEN_PLAN_STATES, ClassKind, PlanEventKind, PlanState
from luoshi.study.models import StudyPlan, StudyPlanEvent, StudyPlanItem, StudySession
from luoshi.tracking import engine
from luoshi.tracking.workflow import Transition

MAX_ITEMS = 100
MAX_HALF_DAYS = 60
MAX_TOPIC = 200
MAX_TITLE = 200
MAX_COMMENTS = 5000
MAX_EXPORT_ROWS = 100_000


def plan_url(plan: StudyPlan) -> str:
    return reverse("study:plan_detail", args=[plan.pk])


# --- the tracker ----------------------------------------------------------------------------------------------


def _may_submit(actor: Any, item: StudyPlan) -> str | None:
    if not item.items.exists():
        return _("报送前请至少填写一项学习内容。")
    return None


def _not_own_plan(actor: Any, item: StudyPlan) -> str | None:
    if actor is not None and actor.pk == item.created_by_id:
        return _("不能审核自己制定的学习计划。")
    return None


class PlanTracker(engine.Tracker[StudyPlan]):
    def notify(self, actor: Any, item: StudyPlan, step: Transition | str) -> None:
        """退回修改 / 审核通过 → who made the plan."""
        action = self.workflow.name_of(step) if isinstance(step, Transition) else ""
        to = [pk for pk in (item.created_by_id,) if pk and pk != getattr(actor, "pk", None)]
        if action == "return" and to:
            title = _("学习计划被退回修改：{title}").format(title=item.title)
            notices.notify(
                to, kind=NoticeKind.SENT_BACK, title=title, body=item.review_note, url=plan_url(item), obj=item
            )
        elif action == "approve" and to:
            title = _("学习计划已审核通过：{title}").format(title=item.title)
            notices.notify(to, kind=NoticeKind.DECIDED, title=title, url=plan_url(item), obj=item)


TRACKER = PlanTracker(
    model=StudyPlan,
    workflow=workflow.WORKFLOW,
    event_model=StudyPlanEvent,
    item_field="plan",
    stale_message=gettext_lazy("该学习计划已被他人修改，请刷新页面后重试。"),
    related=("campaign", "unit"),
    activities={
        "edit": engine.Activity(gettext_lazy("修改学习计划"), Perm.ORGANISE_STUDY, workflow.EDITABLE),
        "mark_done": engine.Activity(gettext_lazy("登记学习内容完成"), Perm.ORGANISE_STUDY, workflow.CARRYING_OUT),
    },
    guards={"submit": _may_submit, "return": _not_own_plan, "approve": _not_own_plan},
)


def available_actions(actor: Any, plan: StudyPlan) -> list[str]:
    """What ``actor`` may do with ``plan`` now: buttons, action pages and the API's ``allowed_actions``."""
    return engine.available_actions(TRACKER, actor, plan)


def refusals(actor: Any, plan: StudyPlan) -> dict[str, str]:
    """Actions open by state and scope that a rule refuses now, with the reason (shown beside the button)."""
    return engine.refusals(TRACKER, actor, plan)


def register_urging() -> None:
    """Let open study plans be urged (提醒、催办、督办); called once from ``StudyConfig.ready``."""
    from luoshi.urging.registry import Urgeable, register

    register(
        Urgeable(
            model=StudyPlan,
            unit=lambda p: p.unit_id,
            title=lambda p: p.title,
            url=plan_url,
            is_open=lambda p: p.state in OPEN_PLAN_STATES,
            related=("unit",),
            audience=Perm.ORGANISE_STUDY,
        )
    )


# --- reading ----------------------------------------------------------------------------------------------------


def plans_for(user: Any, perm: str = Perm.VIEW) -> QuerySet[StudyPlan]:
    """The plans ``user`` sees (or may act on under ``perm``), with their item counts."""
    return (
        StudyPlan.objects.visible_to(user, perm)
        .select_related("campaign", "unit", "created_by")
        .annotate(item_count=Count("items", distinct=True), done_count=Count("items", filter=Q(items__done=True)))
    )


def feed_items(user: Any, campaign: Campaign, unit: Unit) -> QuerySet[StudyPlanItem]:
    """The items of the unit's approved and done plans of the campaign: what they add to its study list."""
    return (
        StudyPlanItem.objects.visible_to(user, Perm.VIEW)
        .filter(plan__campaign=campaign, plan__unit=unit, plan__state__in=workflow.FEEDING)
        .select_related("plan__unit")
        .order_by("planned_date", "plan_id", "order", "id")
    )


# --- items ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    """One item as typed: a study topic, when, how many half-days, in which form."""

    topic: str
    planned_date: dt.date | None = None
    half_days: int = 1
    form: str = ClassKind.CENTRAL


def _item(raw: ItemInput | Mapping[str, Any], campaign: Campaign, number: int) -> ItemInput:
    given = raw if isinstance(raw, ItemInput) else ItemInput(**{k: v for k, v in raw.items() if v is not None})
    topic = str(given.topic or "").strip()
    where = _("第 {n} 项学习内容：").format(n=number)
    if not topic or len(topic) > MAX_TOPIC:
        raise RuleViolation(where + _("学习专题不能为空，且不超过 {most} 字。").format(most=MAX_TOPIC), code="items")
    try:
        half_days = int(given.half_days)
    except (TypeError, ValueError):
        half_days = 0
    if not 1 <= half_days <= MAX_HALF_DAYS:
        raise RuleViolation(where + _("半天数应在 1 到 {most} 之间。").format(most=MAX_HALF_DAYS), code="items")
    if given.form not in ClassKind.values:
        raise RuleViolation(where + _("学习形式无效。"), code="items")
    when = given.planned_date
    if when is not None and not campaign.starts_on <= when <= campaign.ends_on:
        raise RuleViolation(where + _("计划时间应在活动期间内。"), code="items")
    return ItemInput(topic, when, half_days, str(given.form))


def clean_items(campaign: Campaign, items: Iterable[ItemInput | Mapping[str, Any]]) -> list[ItemInput]:
    """The plan's items checked one by one (blank topics of empty form rows are the caller's to drop)."""
    cleaned = [_item(raw, campaign, n) for n, raw in enumerate(items, start=1)]
    if len(cleaned) > MAX_ITEMS:
        raise RuleViolation(_("学习内容最多 {most} 项。").format(most=MAX_ITEMS), code="items")
    return cleaned


def _item_rows(plan: StudyPlan) -> list[list[Any]]:
    return [
        [i.topic, i.planned_date.isoformat() if i.planned_date else "", i.half_days, i.form, i.done]
        for i in plan.items.order_by("order", "id")
    ]


def _replace_items(plan: StudyPlan, items: list[ItemInput]) -> None:
    plan.items.all().delete()
    StudyPlanItem.objects.bulk_create(
        StudyPlanItem(
            plan=plan,
            org_path=plan.org_path,
            topic=i.topic,
            planned_date=i.planned_date,
            half_days=i.half_days,
            form=i.form,
            order=n,
        )
        for n, i in enumerate(items, start=1)
    )


# --- plans ------------------------------------------------------------------------------------------------------


def _check_plan(campaign: Campaign, unit: Unit, title: str, due_date: dt.date) -> str:
    if not campaign.is_active:
        raise RuleViolation(_("活动「{campaign}」已结束。").format(campaign=campaign))
    if not paths.is_within(unit.path, campaign.unit.path):
        raise RuleViolation(_("单位「{unit}」不在活动「{campaign}」的范围内。").format(unit=unit, campaign=campaign))
    if not campaign.starts_on <= due_date <= campaign.ends_on:
        raise RuleViolation(_("完成时限应在活动期间内。"), code="due_date")
    title = title.strip()
    if not title or len(title) > MAX_TITLE:
        raise RuleViolation(_("计划名称不能为空，且不超过 {most} 字。").format(most=MAX_TITLE), code="title")
    return title


def create_plan(
    actor: User,
    *,
    campaign: Campaign,
    unit: Unit,
    title: str,
    due_date: dt.date,
    items: Iterable[ItemInput | Mapping[str, Any]] = (),
) -> StudyPlan:
    """制定学习计划 (草拟) of ``unit``'s leadership group, by its organisers (ORGANISE_STUDY over it)."""
    scope.require(actor, Perm.ORGANISE_STUDY, unit.path, _("您无权为该单位制定学习计划。"))
    title = _check_plan(campaign, unit, title, due_date)
    cleaned = clean_items(campaign, items)
    plan = StudyPlan(
        campaign=campaign,
        unit=unit,
        org_path=unit.path,
        title=title,
        due_date=due_date,
        state=PlanState.DRAFT,
        created_by=actor,
    )
    with transaction.atomic():
        plan.save()
        _replace_items(plan, cleaned)
        engine.event(TRACKER, plan, actor, PlanEventKind.DRAFTED, note=_("学习内容 {n} 项").format(n=len(cleaned)))
        record_change(actor, plan, None, detail=_("制定学习计划"))
        record(Action.UPDATE, actor=actor, obj=plan, after={"items": _item_rows(plan)}, detail=_("学习内容"))
    return plan


def update_plan(
    actor: User,
    plan: StudyPlan,
    *,
    title: str,
    due_date: dt.date,
    items: Iterable[ItemInput | Mapping[str, Any]],
    version: int | None = None,
) -> StudyPlan:
    """修改学习计划 and its items while it is a draft or returned (the items are replaced as given)."""
    with transaction.atomic():
        fresh = engine.require_activity(TRACKER, actor, plan, "edit", version)
        cleaned_title = _check_plan(fresh.campaign, fresh.unit, title, due_date)
        cleaned = clean_items(fresh.campaign, items)
        before = _item_rows(fresh)
        _replace_items(fresh, cleaned)
        label = str(TRACKER.activities["edit"].label)
        fresh = engine.update(
            TRACKER, actor, fresh, PlanEventKind.EDITED, label, title=cleaned_title, due_date=due_date
        )
        after = _item_rows(fresh)
        if before != after:
            record(Action.UPDATE, actor=actor, obj=fresh, before={"items": before}, after={"items": after})
        return fresh


@transaction.atomic
def submit_plan(actor: User, plan: StudyPlan, *, version: int | None = None) -> StudyPlan:
    """报送审核: a draft with at least one item, or a returned plan again."""
    fresh, step = engine.start(TRACKER, actor, plan, "submit", version)
    return engine.move(TRACKER, actor, fresh, step)


@transaction.atomic
def return_plan(actor: User, plan: StudyPlan, *, comments: str, version: int | None = None) -> StudyPlan:
    """退回修改 with comments, by MANAGE_STUDY over the unit (not the plan's maker); the maker is notified."""
    fresh, step = engine.start(TRACKER, actor, plan, "return", version)
    comments = comments.strip()[:MAX_COMMENTS]
    if not comments:
        raise RuleViolation(_("退回修改时请填写审核意见。"), code="comments")
    return engine.move(TRACKER, actor, fresh, step, note=comments, review_note=comments)


@transaction.atomic
def approve_plan(actor: User, plan: StudyPlan, *, comments: str = "", version: int | None = None) -> StudyPlan:
    """审核通过 (comments optional); the items now show in the unit's study list and the maker is notified."""
    fresh, step = engine.start(TRACKER, actor, plan, "approve", version)
    comments = comments.strip()[:MAX_COMMENTS]
    return engine.move(TRACKER, actor, fresh, step, note=comments, review_note=comments)


@transaction.atomic
def complete_plan(actor: User, plan: StudyPlan, *, note: str = "", version: int | None = None) -> StudyPlan:
    """完成学习计划 by the unit (its items not yet marked done stay as they are)."""
    fresh, step = engine.start(TRACKER, actor, plan, "complete", version)
    return engine.move(TRACKER, actor, fresh, step, note=note.strip()[:2000])


def _check_session(actor: User, plan: StudyPlan, session: StudySession) -> str:
    if session.campaign_id != plan.campaign_id or not scope.can(actor, Perm.VIEW, session.org_path):
        raise RuleViolation(_("所选学习场次不属于该活动或不在您的范围内。"), code="session")
    if session.date > timezone.localdate():
        raise RuleViolation(_("所选学习场次尚未举行。"), code="session")
    return _("（学习场次：{session}）").format(session=session)


def mark_item_done(
    actor: User, item: StudyPlanItem, *, session: StudySession | None = None, version: int | None = None
) -> StudyPlan:
    """登记学习内容完成 on an approved plan, optionally naming the held session where it was studied (kept on the
    timeline); the last item done completes the plan."""
    with transaction.atomic():
        fresh = engine.require_activity(TRACKER, actor, item.plan, "mark_done", version)
        row = StudyPlanItem.objects.select_for_update().get(pk=item.pk, plan=fresh)
        if row.done:
            raise RuleViolation(_("该学习内容已登记完成。"), code="done")
        where = _check_session(actor, fresh, session) if session is not None else ""
        row.done = True
        row.save(update_fields=["done"])
        note = _("学习内容「{topic}」已完成{where}").format(topic=row.topic, where=where)
        fresh = engine.update(TRACKER, actor, fresh, PlanEventKind.EDITED, note, note=note)
        if not fresh.items.filter(done=False).exists():
            fresh = engine.move(TRACKER, actor, fresh, TRACKER.workflow["complete"], note=_("学习内容全部完成"))
        return fresh


# --- export -----------------------------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    Column(gettext_lazy("单位"), width=18),
    Column(gettext_lazy("计划名称"), width=30),
    Column(gettext_lazy("状态"), width=10),
    Column(gettext_lazy("完成时限"), Cells.DATE, 12),
    Column(gettext_lazy("序号"), Cells.INTEGER, 6),
    Column(gettext_lazy("学习专题"), width=40),
    Column(gettext_lazy("计划时间"), Cells.DATE, 12),
    Column(gettext_lazy("半天数"), Cells.INTEGER, 8),
    Column(gettext_lazy("学习形式"), width=10),
    Column(gettext_lazy("已完成"), width=8),
]


def _export_rows(plans: Iterable[StudyPlan]) -> Iterable[list[Any]]:
    forms, yes, no = dict(ClassKind.choices), _("是"), _("否")
    for plan in plans:
        head = [str(plan.unit), plan.title, plan.get_state_display(), plan.due_date]
        rows = list(plan.items.all())
        if not rows:
            yield [*head, None, "", None, None, "", ""]
        for n, i in enumerate(rows, start=1):
            form = str(forms.get(i.form, i.form))
            yield [*head, n, i.topic, i.planned_date, i.half_days, form, yes if i.done else no]


def plans_workbook(user: Any, campaign: Campaign, plans: QuerySet[StudyPlan]) -> tuple[bytes, int]:
    """The campaign's plans ``user`` sees (``plans``, already filtered), a row per item; audited."""
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出。"))
    items = Prefetch("items", queryset=StudyPlanItem.objects.order_by("order", "id"))
    chosen = plans.filter(campaign=campaign).select_related("unit").prefetch_related(items).order_by("org_path", "id")
    content, count = table_bytes(gettext_lazy("学习计划"), EXPORT_COLUMNS, _export_rows(chosen[:MAX_EXPORT_ROWS]))
    detail = f"导出学习计划（{campaign}）{count} 行"
    record(Action.EXPORT, actor=user, obj=campaign, detail=detail[:200], after={"rows": count})
    return content, count
