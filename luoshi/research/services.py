"""The only code that writes research (调查研究): settings, directions and topics of a campaign, research plans.

The office (MANAGE_RESEARCH over the campaign's unit) keeps a campaign's directions (调研方向), topics (调研课题,
counter-examples flagged 反面案例) and how many times a plan may be submitted for review (``max_review_rounds``).
A leader or unit (PLAN_RESEARCH) drafts a plan on a topic with the 2–3 concrete problems it studies; plans move on
the tracked-work engine: submitted, returned with comments or approved by the office over the plan's unit (never
by whoever made or leads the plan), at most ``max_review_rounds`` submissions; then fieldwork, with visits filed on
the shared calendar (``luoshi.visits``), the result (a summary and the report file), and conversions of the result
into key tasks or problems (``PlanConversion``, linked back), the first of which marks the plan converted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.services import record_change, snapshot
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.core import paths
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.uploads import check_upload
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind
from luoshi.orgs.models import Unit
from luoshi.problems import services as problem_services
from luoshi.research import workflow
from luoshi.research.choices import Decision, EventKind, PlanState
from luoshi.research.models import (
    PlanConversion,
    PlanEvent,
    PlanFile,
    PlanReview,
    ResearchDirection,
    ResearchPlan,
    ResearchSettings,
    ResearchTopic,
)
from luoshi.tasks import services as task_services
from luoshi.tasks.models import TaskSource
from luoshi.tracking import engine
from luoshi.tracking.files import evidence_files
from luoshi.tracking.workflow import Transition
from luoshi.visits import services as visit_services
from luoshi.visits.models import Visit

DEFAULT_MAX_ROUNDS = 3
MOST_ROUNDS = 10
MIN_QUESTIONS = 2
MAX_QUESTIONS = 3
MAX_QUESTION_LENGTH = 300
MAX_FILES = 5
MAX_SUMMARY = 20000


def plan_url(plan: ResearchPlan) -> str:
    return reverse("research:plan", args=[plan.pk])


# --- the tracker ----------------------------------------------------------------------------------------------


def settings_for(campaign: Campaign) -> ResearchSettings:
    """The campaign's research settings; a campaign that never set them gets the defaults (unsaved)."""
    found = ResearchSettings.objects.filter(campaign=campaign).first()
    return found or ResearchSettings(campaign=campaign, max_review_rounds=DEFAULT_MAX_ROUNDS)


def clean_questions(questions: str | Iterable[str]) -> list[str]:
    """The concrete problems a plan studies: one per line (or list item), blanks dropped, at most three."""
    lines = questions.splitlines() if isinstance(questions, str) else list(questions)
    cleaned = [str(line).strip() for line in lines if str(line).strip()]
    if len(cleaned) > MAX_QUESTIONS:
        raise RuleViolation(_("拟研究的具体问题最多 {most} 个。").format(most=MAX_QUESTIONS), code="questions")
    if any(len(line) > MAX_QUESTION_LENGTH for line in cleaned):
        raise RuleViolation(_("每个问题不能超过 {most} 字。").format(most=MAX_QUESTION_LENGTH), code="questions")
    return cleaned


def _may_submit(actor: Any, item: ResearchPlan) -> str | None:
    if len([q for q in item.questions or [] if str(q).strip()]) < MIN_QUESTIONS:
        return _("提交前请填写 {least} 至 {most} 个拟研究的具体问题（每行一个）。").format(
            least=MIN_QUESTIONS, most=MAX_QUESTIONS
        )
    limit = settings_for(item.campaign).max_review_rounds
    if item.submissions >= limit:
        return _("该方案已提交审核 {count} 次，达到最多审核轮次（{limit} 轮），不能再次提交。").format(
            count=item.submissions, limit=limit
        )
    return None


def _not_own_plan(actor: Any, item: ResearchPlan) -> str | None:
    if actor is not None and actor.pk in (item.created_by_id, item.leader_id):
        return _("不能审核自己制定或牵头的调研方案。")
    return None


def _converter(actor: Any, item: ResearchPlan) -> str | None:
    """The office or the unit converts a result: who reviews research or plans it over the plan's unit."""
    if actor is None or not (
        scope.can(actor, Perm.MANAGE_RESEARCH, item.org_path) or scope.can(actor, Perm.PLAN_RESEARCH, item.org_path)
    ):
        return _("只有审核或制定该方案的单位才能转化调研成果。")
    return None


class PlanTracker(engine.Tracker[ResearchPlan]):
    def notify(self, actor: Any, item: ResearchPlan, step: Transition | str) -> None:
        """退回修改 / 审核通过 → who made the plan and its leader."""
        action = self.workflow.name_of(step) if isinstance(step, Transition) else ""
        to = [pk for pk in {item.created_by_id, item.leader_id} if pk and pk != getattr(actor, "pk", None)]
        if action == "return" and to:
            title = _("调研方案被退回修改：{title}").format(title=item.title)
            notices.notify(to, kind=NoticeKind.SENT_BACK, title=title, url=plan_url(item), obj=item)
        elif action == "approve" and to:
            title = _("调研方案已审核通过：{title}").format(title=item.title)
            notices.notify(to, kind=NoticeKind.DECIDED, title=title, url=plan_url(item), obj=item)


TRACKER = PlanTracker(
    model=ResearchPlan,
    workflow=workflow.WORKFLOW,
    event_model=PlanEvent,
    item_field="plan",
    stale_message=gettext_lazy("该调研方案已被他人修改，请刷新页面后重试。"),
    related=("campaign", "topic", "unit"),
    activities={
        "edit": engine.Activity(gettext_lazy("修改方案"), Perm.PLAN_RESEARCH, workflow.EDITABLE),
        "file_visit": engine.Activity(gettext_lazy("报备走访"), Perm.PLAN_RESEARCH, workflow.VISITING),
    },
    guards={
        "submit": _may_submit,
        "return": _not_own_plan,
        "approve": _not_own_plan,
        "convert_task": _converter,
        "convert_problem": _converter,
    },
)


def available_actions(actor: Any, plan: ResearchPlan) -> list[str]:
    """What ``actor`` may do with ``plan`` now: buttons, action pages and the API's ``allowed_actions``."""
    return engine.available_actions(TRACKER, actor, plan)


# --- settings, directions and topics --------------------------------------------------------------------------


def _require_office(actor: Any, campaign: Campaign, message: str) -> None:
    scope.require(actor, Perm.MANAGE_RESEARCH, campaign.unit.path, message)


def _active(campaign: Campaign) -> None:
    if not campaign.is_active:
        raise RuleViolation(_("活动「{campaign}」已结束。").format(campaign=campaign))


def update_settings(actor: User, campaign: Campaign, *, max_review_rounds: int) -> ResearchSettings:
    """调研设置: how many times a plan of the campaign may be submitted for review (1 to 10)."""
    _require_office(actor, campaign, _("您无权修改该活动的调研设置。"))
    if not 1 <= int(max_review_rounds) <= MOST_ROUNDS:
        raise RuleViolation(_("最多审核轮次应在 1 到 {most} 之间。").format(most=MOST_ROUNDS), code="max_review_rounds")
    with transaction.atomic():
        found, made = ResearchSettings.objects.select_for_update().get_or_create(campaign=campaign)
        before = None if made else snapshot(found)
        found.max_review_rounds = int(max_review_rounds)
        found.save()
        record_change(actor, found, before, detail=_("调研设置"))
    return found


def _name(text: str, what: str, most: int) -> str:
    text = text.strip()
    if not text:
        raise RuleViolation(_("{what}不能为空。").format(what=what))
    if len(text) > most:
        raise RuleViolation(_("{what}不能超过 {most} 字。").format(what=what, most=most))
    return text


def create_direction(actor: User, *, campaign: Campaign, name: str, order: int | None = None) -> ResearchDirection:
    """新增调研方向 of a campaign, by its office."""
    _require_office(actor, campaign, _("您无权设置该活动的调研方向。"))
    _active(campaign)
    name = _name(name, _("调研方向"), 100)
    if ResearchDirection.objects.filter(campaign=campaign, name=name).exists():
        raise RuleViolation(_("调研方向「{name}」已存在。").format(name=name), code="duplicate")
    if order is None:
        order = ResearchDirection.objects.filter(campaign=campaign).count() + 1
    with transaction.atomic():
        direction = ResearchDirection.objects.create(
            campaign=campaign, org_path=campaign.unit.path, name=name, order=max(0, min(int(order), 32767))
        )
        record_change(actor, direction, None)
    return direction


def update_direction(actor: User, direction: ResearchDirection, *, name: str, order: int) -> ResearchDirection:
    """修改调研方向."""
    _require_office(actor, direction.campaign, _("您无权修改该调研方向。"))
    name = _name(name, _("调研方向"), 100)
    if ResearchDirection.objects.filter(campaign=direction.campaign, name=name).exclude(pk=direction.pk).exists():
        raise RuleViolation(_("调研方向「{name}」已存在。").format(name=name), code="duplicate")
    with transaction.atomic():
        fresh = ResearchDirection.objects.select_for_update().get(pk=direction.pk)
        before = snapshot(fresh)
        fresh.name, fresh.order = name, max(0, min(int(order), 32767))
        fresh.save()
        record_change(actor, fresh, before)
    return fresh


def _check_direction(campaign: Campaign, direction: ResearchDirection | None) -> None:
    if direction is not None and direction.campaign_id != campaign.pk:
        raise RuleViolation(
            _("调研方向「{direction}」不属于活动「{campaign}」。").format(direction=direction, campaign=campaign)
        )


def create_topic(
    actor: User,
    *,
    campaign: Campaign,
    title: str,
    direction: ResearchDirection | None = None,
    description: str = "",
    is_counter_example: bool = False,
) -> ResearchTopic:
    """新增调研课题 under a direction of the campaign; counter-example topics (反面案例) are flagged."""
    _require_office(actor, campaign, _("您无权设置该活动的调研课题。"))
    _active(campaign)
    _check_direction(campaign, direction)
    title = _name(title, _("课题名称"), 200)
    if ResearchTopic.objects.filter(campaign=campaign, title=title).exists():
        raise RuleViolation(_("课题「{title}」已存在。").format(title=title), code="duplicate")
    with transaction.atomic():
        topic = ResearchTopic.objects.create(
            campaign=campaign,
            org_path=campaign.unit.path,
            direction=direction,
            title=title,
            description=description.strip(),
            is_counter_example=bool(is_counter_example),
        )
        record_change(actor, topic, None)
    return topic


def update_topic(
    actor: User,
    topic: ResearchTopic,
    *,
    title: str,
    direction: ResearchDirection | None,
    description: str = "",
    is_counter_example: bool = False,
) -> ResearchTopic:
    """修改调研课题."""
    _require_office(actor, topic.campaign, _("您无权修改该调研课题。"))
    _check_direction(topic.campaign, direction)
    title = _name(title, _("课题名称"), 200)
    if ResearchTopic.objects.filter(campaign=topic.campaign, title=title).exclude(pk=topic.pk).exists():
        raise RuleViolation(_("课题「{title}」已存在。").format(title=title), code="duplicate")
    with transaction.atomic():
        fresh = ResearchTopic.objects.select_for_update().get(pk=topic.pk)
        before = snapshot(fresh)
        fresh.title, fresh.direction, fresh.description = title, direction, description.strip()
        fresh.is_counter_example = bool(is_counter_example)
        fresh.save()
        record_change(actor, fresh, before)
    return fresh


# --- plans ------------------------------------------------------------------------------------------------------


def _check_plan(
    campaign: Campaign, topic: ResearchTopic, unit: Unit, title: str, due_date: dt.date, leader: Any
) -> str:
    _active(campaign)
    if topic.campaign_id != campaign.pk:
        raise RuleViolation(_("课题「{topic}」不属于活动「{campaign}」。").format(topic=topic, campaign=campaign))
    if not paths.is_within(unit.path, campaign.unit.path):
        raise RuleViolation(_("单位「{unit}」不在活动「{campaign}」的范围内。").format(unit=unit, campaign=campaign))
    if not campaign.starts_on <= due_date <= campaign.ends_on:
        raise RuleViolation(_("完成时限应在活动期间内。"), code="due_date")
    if leader is not None and not scope.can(leader, Perm.PLAN_RESEARCH, unit.path):
        raise RuleViolation(_("「{leader}」不能牵头该单位的调研。").format(leader=leader), code="leader")
    return _name(title, _("方案名称"), 200)


def create_plan(
    actor: User,
    *,
    campaign: Campaign,
    topic: ResearchTopic,
    unit: Unit,
    title: str,
    due_date: dt.date,
    questions: str | Sequence[str] = (),
    team: str = "",
    leader: User | None = None,
    leader_name: str = "",
) -> ResearchPlan:
    """制定调研方案 (草拟) for ``unit``, by a leader or the unit (PLAN_RESEARCH over it)."""
    scope.require(actor, Perm.PLAN_RESEARCH, unit.path, _("您无权为该单位制定调研方案。"))
    title = _check_plan(campaign, topic, unit, title, due_date, leader)
    plan = ResearchPlan(
        campaign=campaign,
        topic=topic,
        unit=unit,
        org_path=unit.path,
        leader=leader,
        leader_name=(leader_name.strip() or (str(leader) if leader else ""))[:60],
        title=title,
        questions=clean_questions(questions),
        team=team.strip()[:300],
        due_date=due_date,
        state=PlanState.DRAFT,
        created_by=actor,
    )
    with transaction.atomic():
        plan.save()
        engine.event(TRACKER, plan, actor, EventKind.DRAFTED)
        record_change(actor, plan, None, detail=_("制定调研方案"))
    return plan


def update_plan(
    actor: User,
    plan: ResearchPlan,
    *,
    topic: ResearchTopic,
    title: str,
    due_date: dt.date,
    questions: str | Sequence[str],
    team: str = "",
    leader: User | None = None,
    leader_name: str = "",
    version: int | None = None,
) -> ResearchPlan:
    """修改方案 while it is a draft or returned for changes."""
    with transaction.atomic():
        fresh = engine.require_activity(TRACKER, actor, plan, "edit", version)
        cleaned_title = _check_plan(fresh.campaign, topic, fresh.unit, title, due_date, leader)
        return engine.update(
            TRACKER,
            actor,
            fresh,
            EventKind.EDITED,
            str(TRACKER.activities["edit"].label),
            topic=topic,
            title=cleaned_title,
            due_date=due_date,
            questions=clean_questions(questions),
            team=team.strip()[:300],
            leader=leader,
            leader_name=(leader_name.strip() or (str(leader) if leader else ""))[:60],
        )


@transaction.atomic
def submit_plan(actor: User, plan: ResearchPlan, *, version: int | None = None) -> ResearchPlan:
    """提交审核: a draft, or a returned plan again; each submission is one review round, at most the campaign's
    ``max_review_rounds``."""
    fresh, step = engine.start(TRACKER, actor, plan, "submit", version)
    count = fresh.submissions + 1
    note = _("第 {n} 轮").format(n=count)
    return engine.move(TRACKER, actor, fresh, step, note=note, submissions=count)


def _review(actor: User, fresh: ResearchPlan, decision: str, comments: str) -> None:
    review = PlanReview.objects.create(
        plan=fresh,
        org_path=fresh.org_path,
        round=fresh.submissions,
        decision=decision,
        comments=comments,
        reviewer=actor,
    )
    record_change(actor, review, None, detail=_("调研方案审核意见"))


@transaction.atomic
def return_plan(actor: User, plan: ResearchPlan, *, comments: str, version: int | None = None) -> ResearchPlan:
    """退回修改 with comments (a review of this round); the plan's maker and leader are notified."""
    fresh, step = engine.start(TRACKER, actor, plan, "return", version)
    comments = comments.strip()
    if not comments:
        raise RuleViolation(_("退回修改时请填写审核意见。"), code="comments")
    _review(actor, fresh, Decision.RETURNED, comments[:5000])
    return engine.move(TRACKER, actor, fresh, step, note=comments[:2000])


@transaction.atomic
def approve_plan(actor: User, plan: ResearchPlan, *, comments: str = "", version: int | None = None) -> ResearchPlan:
    """审核通过 (a review of this round, comments optional)."""
    fresh, step = engine.start(TRACKER, actor, plan, "approve", version)
    comments = comments.strip()
    _review(actor, fresh, Decision.APPROVED, comments[:5000])
    return engine.move(TRACKER, actor, fresh, step, note=comments[:2000])


@transaction.atomic
def start_fieldwork(actor: User, plan: ResearchPlan, *, version: int | None = None) -> ResearchPlan:
    """开展调研: the approved plan's team goes out (visits are filed on the calendar before and during it)."""
    fresh, step = engine.start(TRACKER, actor, plan, "start", version)
    return engine.move(TRACKER, actor, fresh, step)


def report_result(
    actor: User,
    plan: ResearchPlan,
    *,
    summary: str,
    files: Sequence[UploadedFile],
    version: int | None = None,
) -> ResearchPlan:
    """提交成果: the summary of what was found and the research report file(s), each through the upload checker."""
    summary = summary.strip()
    uploads = [f for f in files if f]
    with evidence_files() as stored, transaction.atomic():
        fresh, step = engine.start(TRACKER, actor, plan, "report", version)
        if not summary:
            raise RuleViolation(_("请填写调研成果。"), code="summary")
        if len(summary) > MAX_SUMMARY:
            raise RuleViolation(_("调研成果不能超过 {most} 字。").format(most=MAX_SUMMARY), code="summary")
        if not uploads:
            raise RuleViolation(_("请上传调研报告。"), code="files")
        if len(uploads) > MAX_FILES:
            raise RuleViolation(_("调研报告至多 {most} 个文件。").format(most=MAX_FILES), code="files")
        checked = [check_upload(u) for u in uploads]
        for upload, info in zip(uploads, checked, strict=True):
            found = PlanFile(
                plan=fresh,
                org_path=fresh.org_path,
                original_name=info.name,
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
                uploaded_by=actor,
            )
            found.file.save(f"{info.sha256[:16]}.{info.extension}", upload, save=False)
            found.save()
            stored.append(found)
        names = "、".join(f.original_name for f in stored)
        return engine.move(
            TRACKER, actor, fresh, step, note=_("调研报告：{names}").format(names=names)[:500], result_summary=summary
        )


# --- conversions ------------------------------------------------------------------------------------------------


def _converted(actor: User, fresh: ResearchPlan, step: Transition, **link: Any) -> PlanConversion:
    conversion = PlanConversion.objects.create(plan=fresh, org_path=fresh.org_path, made_by=actor, **link)
    record_change(actor, conversion, None, detail=_("调研成果转化"))
    target = link.get("task") or link.get("problem")
    engine.move(TRACKER, actor, fresh, step, note=str(target)[:500])
    return conversion


@transaction.atomic
def convert_to_task(
    actor: User,
    plan: ResearchPlan,
    title: str,
    *,
    due_on: dt.date,
    description: str = "",
    source: TaskSource | None = None,
    version: int | None = None,
) -> PlanConversion:
    """成果转化为重点任务: a key task issued by the plan's unit (``luoshi.tasks.services.create_task``), linked back;
    the first conversion marks the plan converted."""
    fresh, step = engine.start(TRACKER, actor, plan, "convert_task", version)
    source = source or task_services.sources_for(fresh.campaign)[0]
    task = task_services.create_task(
        actor,
        campaign=fresh.campaign,
        title=title,
        source=source,
        due_on=due_on,
        unit=fresh.unit,
        description=description or _("由调研方案「{plan}」的成果转化。").format(plan=fresh.title),
        leader=fresh.leader,
        leader_name=fresh.leader_name,
    )
    return _converted(actor, fresh, step, task=task)


@transaction.atomic
def convert_to_problem(
    actor: User,
    plan: ResearchPlan,
    title: str,
    *,
    channel: Channel,
    aspect: Aspect,
    deadline: dt.date,
    unit: Unit | None = None,
    description: str = "",
    found_on: dt.date | None = None,
    version: int | None = None,
) -> PlanConversion:
    """成果转化为问题: a problem filed in the plan's unit or another (``luoshi.problems.services.file_problem``),
    linked back; the first conversion marks the plan converted."""
    fresh, step = engine.start(TRACKER, actor, plan, "convert_problem", version)
    problem = problem_services.file_problem(
        actor,
        campaign=fresh.campaign,
        title=title,
        channel=channel,
        aspect=aspect,
        unit=unit or fresh.unit,
        found_on=found_on or problem_services.today(),
        deadline=deadline,
        description=description or _("由调研方案「{plan}」的成果转化。").format(plan=fresh.title),
    )
    return _converted(actor, fresh, step, problem=problem)


# --- fieldwork visits --------------------------------------------------------------------------------------------


def file_plan_visit(
    actor: User,
    plan: ResearchPlan,
    *,
    unit: Unit,
    date: dt.date,
    headcount: int,
    kinds: Iterable[str],
    team: str = "",
    purpose: str = "",
    override_reason: str = "",
) -> Visit:
    """报备走访 of the plan's team on the shared calendar, while the plan is approved or in fieldwork: the
    calendar's rules apply (``VisitRefused`` with the rules it trips; a warning passed with a reason)."""
    with transaction.atomic():
        fresh = engine.require_activity(TRACKER, actor, plan, "file_visit")
        if not scope.can(actor, Perm.FILE_VISIT, unit.path):
            raise NotAllowed(_("您无权报备走访该单位。"))
        visit = visit_services.file_visit(
            actor,
            campaign=fresh.campaign,
            unit=unit,
            date=date,
            headcount=headcount,
            team=team.strip() or fresh.team or fresh.leader_name or str(actor),
            organiser=fresh.title,
            organiser_key=fresh.organiser_key,
            kinds=kinds,
            purpose=purpose,
            override_reason=override_reason,
        )
        engine.event(TRACKER, fresh, actor, EventKind.VISIT_FILED, note=f"{unit.name} {date:%Y-%m-%d}")
    return visit
