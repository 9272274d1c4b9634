"""The only code that moves suggestions (建言献策) once they are in: triage, referral, answer, adoption, dismissal,
private notes, groups of similar suggestions, answer templates, bulk answers and conversions.

Suggestions come in through ``luoshi.suggestions.intake`` (members and the public) in state 待研判 at the campaign
unit. The office (HANDLE_SUGGESTION over the suggestion) triages it (category, topic, optionally a group), refers it
to a unit of the campaign with a deadline (the suggestion's ``org_path`` moves to that unit, its light follows the
deadline), the unit answers it (ANSWER_SUGGESTION) or the office answers it itself, and the office decides the
adoption (全部 / 部分 / 未采纳, with a reason). Nobody triages, dismisses or decides on their own suggestion.
Private notes (内部备注) are timeline entries marked ``private``, never shown to the suggester.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

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
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.core import paths
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.livelihood import services as livelihood_services
from luoshi.livelihood.choices import Category as ProjectCategory
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind
from luoshi.orgs.models import Unit
from luoshi.problems import services as problem_services
from luoshi.suggestions import workflow
from luoshi.suggestions.choices import Adoption, EventKind, SuggestionCategory, SuggestionState
from luoshi.suggestions.models import (
    AnswerTemplate,
    Suggestion,
    SuggestionConversion,
    SuggestionEvent,
    SuggestionGroup,
)
from luoshi.tasks import services as task_services
from luoshi.tasks.models import TaskSource
from luoshi.tracking import engine
from luoshi.tracking.choices import Light
from luoshi.tracking.workflow import Transition, light_for

MAX_ANSWER = 5000
MAX_REASON = 2000
MAX_NOTE = 2000
MAX_TOPIC = 100
MAX_TITLE = 200
MAX_TEMPLATE_TITLE = 100
PERSONAL = ("name_enc", "phone_enc", "phone_index")


def today() -> dt.date:
    return timezone.localdate()


def suggestion_url(suggestion: Suggestion) -> str:
    return reverse("suggestions:detail", args=[suggestion.pk])


# --- the tracker ----------------------------------------------------------------------------------------------


def _not_own(actor: Any, item: Suggestion) -> str | None:
    if actor is not None and item.submitted_by_id is not None and actor.pk == item.submitted_by_id:
        return _("不能研判、认定自己提出的意见建议。")
    return None


class SuggestionTracker(engine.Tracker[Suggestion]):
    def refresh(self, item: Suggestion) -> None:
        """Red / yellow / green by the answer deadline while referred; green otherwise."""
        if item.state == SuggestionState.REFERRED and item.deadline is not None:
            item.light = light_for(False, item.deadline, today(), item.campaign.yellow_days)
        else:
            item.light = Light.GREEN

    def notify(self, actor: Any, item: Suggestion, step: Transition | str) -> None:
        """转办 → the referred unit's answerers; 答复 / 采纳认定 → the member who made the suggestion."""
        action = self.workflow.name_of(step) if isinstance(step, Transition) else ""
        url = suggestion_url(item)
        if action == "refer" and item.unit_id:
            to = notices.users_of_unit(item.unit_id, Perm.ANSWER_SUGGESTION)
            title = _("请答复意见建议：{title}").format(title=item.title)
            notices.notify(to, kind=NoticeKind.ASSIGNED, title=title, url=url, obj=item)
        elif action in ("answer", "answer_office", "decide") and item.submitted_by_id:
            title = _("您提出的意见建议有了新进展：{title}").format(title=item.title)
            notices.notify([item.submitted_by_id], kind=NoticeKind.DECIDED, title=title, url=url, obj=item)


TRACKER = SuggestionTracker(
    model=Suggestion,
    workflow=workflow.WORKFLOW,
    event_model=SuggestionEvent,
    item_field="suggestion",
    stale_message=gettext_lazy("该意见建议已被他人处理，请刷新页面后重试。"),
    related=("campaign", "campaign__unit", "unit", "group"),
    activities={
        "note": engine.Activity(gettext_lazy("内部备注"), Perm.HANDLE_SUGGESTION, workflow.ALL_STATES),
        "note_unit": engine.Activity(gettext_lazy("内部备注"), Perm.ANSWER_SUGGESTION, workflow.UNIT_NOTES),
        "group": engine.Activity(gettext_lazy("归并同类建议"), Perm.HANDLE_SUGGESTION, workflow.GROUPABLE),
        "convert": engine.Activity(gettext_lazy("转化"), Perm.HANDLE_SUGGESTION, workflow.CONVERTIBLE),
    },
    guards={"triage": _not_own, "dismiss": _not_own, "decide": _not_own},
    exclude=PERSONAL,
)


def available_actions(actor: Any, suggestion: Suggestion) -> list[str]:
    """What ``actor`` may do with ``suggestion`` now: buttons, action pages and the API's ``allowed_actions``."""
    return engine.available_actions(TRACKER, actor, suggestion)


def refusals(actor: Any, suggestion: Suggestion) -> dict[str, str]:
    return engine.refusals(TRACKER, actor, suggestion)


def refresh_lights(day: dt.date | None = None) -> dict[str, int]:
    """Recompute the lights of the referred suggestions as of ``day`` (the daily sweep); counts by colour."""
    day = day or today()
    counts = {Light.RED.value: 0, Light.YELLOW.value: 0, Light.GREEN.value: 0}
    rows = Suggestion.objects.filter(state=SuggestionState.REFERRED, deadline__isnull=False).select_related("campaign")
    for item in rows.iterator(chunk_size=1000):
        light = light_for(False, item.deadline, day, item.campaign.yellow_days)  # type: ignore[arg-type]
        counts[light] += 1
        if light != item.light:
            Suggestion.objects.filter(pk=item.pk).update(light=light)
    return counts


# --- checks ----------------------------------------------------------------------------------------------------


def _text(value: Any, what: str, most: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise RuleViolation(_("请填写{what}。").format(what=what), code="text")
    if len(text) > most:
        raise RuleViolation(_("{what}不能超过 {most} 字。").format(what=what, most=most), code="text")
    return text


def _check_group(suggestion: Suggestion, group: SuggestionGroup | None) -> None:
    if group is not None and group.campaign_id != suggestion.campaign_id:
        raise RuleViolation(_("同类建议「{group}」不属于该活动。").format(group=group), code="group")


def _require_office(actor: Any, campaign: Campaign, message: str) -> None:
    scope.require(actor, Perm.HANDLE_SUGGESTION, campaign.unit.path, message)


# --- transitions -----------------------------------------------------------------------------------------------


@transaction.atomic
def triage_suggestion(
    actor: User,
    suggestion: Suggestion,
    *,
    category: str,
    topic: str = "",
    group: SuggestionGroup | None = None,
    note: str = "",
    version: int | None = None,
) -> Suggestion:
    """研判: the office sets the category and topic and may put the suggestion into a group of similar ones."""
    fresh, step = engine.start(TRACKER, actor, suggestion, "triage", version)
    if category not in SuggestionCategory.values:
        raise RuleViolation(_("请选择建议类别。"), code="category")
    _check_group(fresh, group)
    topic = _text(topic, _("主题"), MAX_TOPIC, required=False)
    note = _text(note, _("研判意见"), MAX_NOTE, required=False)
    return engine.move(TRACKER, actor, fresh, step, note=note, category=category, topic=topic, group=group)


@transaction.atomic
def refer_suggestion(
    actor: User,
    suggestion: Suggestion,
    *,
    unit: Unit,
    deadline: dt.date,
    note: str = "",
    version: int | None = None,
) -> Suggestion:
    """转办 to a unit of the campaign with an answer deadline; the suggestion moves to that unit."""
    fresh, step = engine.start(TRACKER, actor, suggestion, "refer", version)
    if not paths.is_within(unit.path, fresh.campaign.unit.path):
        raise RuleViolation(_("单位「{unit}」不在该活动的范围内。").format(unit=unit), code="unit")
    if not scope.can(actor, Perm.HANDLE_SUGGESTION, unit.path):
        raise NotAllowed(_("您无权向该单位转办意见建议。"))
    if deadline < today():
        raise RuleViolation(_("答复时限不能早于今天。"), code="deadline")
    note = _text(note, _("转办说明"), MAX_NOTE, required=False)
    text = f"{unit.name}，{_('答复时限')} {deadline:%Y-%m-%d}" + (f"。{note}" if note else "")
    return engine.move(
        TRACKER, actor, fresh, step, note=text, unit=unit, org_path=unit.path, deadline=deadline,
        referred_at=timezone.now(),
    )  # fmt: skip


def answer_action(actor: Any, suggestion: Suggestion) -> str:
    """``answer`` for the referred unit's answerers, ``answer_office`` for the office."""
    may_answer = suggestion.state == SuggestionState.REFERRED
    if may_answer and actor is not None and scope.can(actor, Perm.ANSWER_SUGGESTION, suggestion.org_path):
        return "answer"
    return "answer_office"


@transaction.atomic
def answer_suggestion(
    actor: User,
    suggestion: Suggestion,
    *,
    text: str,
    public: bool = False,
    version: int | None = None,
    action: str | None = None,
) -> Suggestion:
    """答复: shown to the suggester and, when ``public``, on the public page. ``action`` is ``answer`` (the referred
    unit) or ``answer_office``; by default the one that fits the actor."""
    if action not in (None, "answer", "answer_office"):
        raise RuleViolation(_("未知的操作。"))
    chosen = action or answer_action(actor, suggestion)
    fresh, step = engine.start(TRACKER, actor, suggestion, chosen, version)
    text = _text(text, _("答复内容"), MAX_ANSWER)
    return engine.move(
        TRACKER, actor, fresh, step, note=text[:MAX_NOTE], answer=text, answer_public=bool(public),
        answered_at=timezone.now(), answered_by=actor,
    )  # fmt: skip


@transaction.atomic
def decide_suggestion(
    actor: User, suggestion: Suggestion, *, adoption: str, reason: str, version: int | None = None
) -> Suggestion:
    """采纳认定: 全部采纳 / 部分采纳 / 未采纳 with a reason; the suggestion is closed."""
    fresh, step = engine.start(TRACKER, actor, suggestion, "decide", version)
    if adoption not in Adoption.values:
        raise RuleViolation(_("请选择采纳情况。"), code="adoption")
    reason = _text(reason, _("采纳说明"), MAX_REASON)
    label = Adoption(adoption).label
    return engine.move(
        TRACKER, actor, fresh, step, note=f"{label}：{reason}", adoption=adoption, adoption_reason=reason,
        decided_at=timezone.now(),
    )  # fmt: skip


@transaction.atomic
def dismiss_suggestion(actor: User, suggestion: Suggestion, *, reason: str, version: int | None = None) -> Suggestion:
    """不予采用 (before referral) with a reason shown to the suggester."""
    fresh, step = engine.start(TRACKER, actor, suggestion, "dismiss", version)
    reason = _text(reason, _("不予采用的理由"), MAX_REASON)
    return engine.move(TRACKER, actor, fresh, step, note=reason, adoption_reason=reason, decided_at=timezone.now())


# --- private notes and groups ----------------------------------------------------------------------------------


def note_action(actor: Any, suggestion: Suggestion) -> str:
    office = actor is not None and scope.can(actor, Perm.HANDLE_SUGGESTION, suggestion.org_path)
    return "note" if office else "note_unit"


@transaction.atomic
def add_note(actor: User, suggestion: Suggestion, *, text: str) -> SuggestionEvent:
    """内部备注: a private timeline entry of the office or the referred unit, never shown to the suggester."""
    fresh = engine.require_activity(TRACKER, actor, suggestion, note_action(actor, suggestion))
    text = _text(text, _("备注"), MAX_NOTE)
    entry = engine.event(TRACKER, fresh, actor, EventKind.NOTE, note=text, private=True)
    record_change(actor, entry, None, detail=_("内部备注"))
    return entry


def create_group(actor: User, *, campaign: Campaign, title: str) -> SuggestionGroup:
    """新建同类建议: a group of similar suggestions of a campaign, kept by its office."""
    _require_office(actor, campaign, _("您无权归并该活动的意见建议。"))
    title = _text(title, _("归类名称"), MAX_TITLE)
    with transaction.atomic():
        group = SuggestionGroup.objects.create(campaign=campaign, org_path=campaign.unit.path, title=title)
        record_change(actor, group, None, detail=_("新建同类建议"))
    return group


def rename_group(actor: User, group: SuggestionGroup, *, title: str) -> SuggestionGroup:
    _require_office(actor, group.campaign, _("您无权修改该同类建议。"))
    title = _text(title, _("归类名称"), MAX_TITLE)
    with transaction.atomic():
        fresh = SuggestionGroup.objects.select_for_update().get(pk=group.pk)
        before = snapshot(fresh)
        fresh.title = title
        fresh.save()
        record_change(actor, fresh, before)
    return fresh


def set_group(
    actor: User, suggestion: Suggestion, group: SuggestionGroup | None, *, version: int | None = None
) -> Suggestion:
    """Put a suggestion into a group of similar ones (``group``) or take it out (None)."""
    with transaction.atomic():
        fresh = engine.require_activity(TRACKER, actor, suggestion, "group", version)
        _check_group(fresh, group)
        note = str(group) if group is not None else _("移出同类建议「{group}」").format(group=fresh.group or "")
        return engine.update(TRACKER, actor, fresh, EventKind.GROUPED, _("归并同类建议"), note=note[:500], group=group)


def add_to_group(
    actor: User, suggestion: Suggestion, group: SuggestionGroup, *, version: int | None = None
) -> Suggestion:
    return set_group(actor, suggestion, group, version=version)


def remove_from_group(actor: User, suggestion: Suggestion, *, version: int | None = None) -> Suggestion:
    return set_group(actor, suggestion, None, version=version)


# --- answer templates ------------------------------------------------------------------------------------------


def create_template(actor: User, *, campaign: Campaign, title: str, text: str) -> AnswerTemplate:
    """新增答复模板 of a campaign, by its office."""
    _require_office(actor, campaign, _("您无权设置该活动的答复模板。"))
    title, text = _text(title, _("模板名称"), MAX_TEMPLATE_TITLE), _text(text, _("答复内容"), MAX_ANSWER)
    with transaction.atomic():
        found = AnswerTemplate.objects.create(campaign=campaign, org_path=campaign.unit.path, title=title, text=text)
        record_change(actor, found, None, detail=_("新增答复模板"))
    return found


def update_template(actor: User, template: AnswerTemplate, *, title: str, text: str) -> AnswerTemplate:
    _require_office(actor, template.campaign, _("您无权修改该答复模板。"))
    title, text = _text(title, _("模板名称"), MAX_TEMPLATE_TITLE), _text(text, _("答复内容"), MAX_ANSWER)
    with transaction.atomic():
        fresh = AnswerTemplate.objects.select_for_update().get(pk=template.pk)
        before = snapshot(fresh)
        fresh.title, fresh.text = title, text
        fresh.save()
        record_change(actor, fresh, before)
    return fresh


def delete_template(actor: User, template: AnswerTemplate) -> None:
    _require_office(actor, template.campaign, _("您无权删除该答复模板。"))
    with transaction.atomic():
        record(Action.DELETE, actor=actor, obj=template, before=snapshot(template), detail=_("删除答复模板"))
        template.delete()


# --- bulk answer -----------------------------------------------------------------------------------------------


@dataclass
class BulkAnswerResult:
    answered: list[Suggestion] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)  # suggestion id → why not

    @property
    def counts(self) -> tuple[int, int]:
        return len(self.answered), len(self.skipped)


def bulk_answer(actor: User, suggestions: Iterable[Suggestion], *, text: str, public: bool = False) -> BulkAnswerResult:
    """答复 many suggestions with one text, each through the engine in its own savepoint; those not answerable now
    (wrong state, out of scope, changed) are skipped with the reason."""
    _text(text, _("答复内容"), MAX_ANSWER)
    result = BulkAnswerResult()
    for item in suggestions:
        try:
            result.answered.append(answer_suggestion(actor, item, text=text, public=public))
        except (RuleViolation, NotAllowed) as exc:
            result.skipped[item.pk] = str(exc)
    return result


# --- conversions -----------------------------------------------------------------------------------------------


def _converted(actor: User, fresh: Suggestion, what: str, **link: Any) -> SuggestionConversion:
    conversion = SuggestionConversion.objects.create(suggestion=fresh, org_path=fresh.org_path, made_by=actor, **link)
    record_change(actor, conversion, None, detail=_("意见建议转化"))
    target = next(v for v in link.values() if v is not None)
    engine.event(TRACKER, fresh, actor, EventKind.CONVERTED, note=f"{what}：{target}"[:500])
    return conversion


def _describe(fresh: Suggestion, description: str) -> str:
    default = _("由意见建议 {number}「{title}」转化。").format(number=fresh.number, title=fresh.title)
    return description.strip() or default


@transaction.atomic
def convert_to_task(
    actor: User,
    suggestion: Suggestion,
    *,
    title: str,
    due_on: dt.date,
    unit: Unit | None = None,
    description: str = "",
    source: TaskSource | None = None,
) -> SuggestionConversion:
    """转化为重点任务 issued by ``unit`` (the referred unit, else the campaign unit), linked back."""
    fresh = engine.require_activity(TRACKER, actor, suggestion, "convert")
    task = task_services.create_task(
        actor,
        campaign=fresh.campaign,
        title=title,
        source=source or task_services.sources_for(fresh.campaign)[0],
        due_on=due_on,
        unit=unit or fresh.unit or fresh.campaign.unit,
        description=_describe(fresh, description),
    )
    return _converted(actor, fresh, _("重点任务"), task=task)


@transaction.atomic
def convert_to_problem(
    actor: User,
    suggestion: Suggestion,
    *,
    title: str,
    channel: Channel,
    aspect: Aspect,
    deadline: dt.date,
    unit: Unit | None = None,
    description: str = "",
) -> SuggestionConversion:
    """转化为问题 filed in ``unit`` (the referred unit, else the campaign unit), linked back."""
    fresh = engine.require_activity(TRACKER, actor, suggestion, "convert")
    problem = problem_services.file_problem(
        actor,
        campaign=fresh.campaign,
        title=title,
        channel=channel,
        aspect=aspect,
        unit=unit or fresh.unit or fresh.campaign.unit,
        found_on=today(),
        deadline=deadline,
        description=_describe(fresh, description),
    )
    return _converted(actor, fresh, _("问题"), problem=problem)


@transaction.atomic
def convert_to_proposal(
    actor: User,
    suggestion: Suggestion,
    *,
    title: str = "",
    unit: Unit | None = None,
    description: str = "",
    category: str = ProjectCategory.OTHER,
) -> SuggestionConversion:
    """转化为民生实事项目建议 proposed by ``unit`` (the referred unit, else the campaign unit), linked back."""
    fresh = engine.require_activity(TRACKER, actor, suggestion, "convert")
    proposal = livelihood_services.submit_proposal(
        actor,
        campaign=fresh.campaign,
        unit=unit or fresh.unit or fresh.campaign.unit,
        title=title.strip() or fresh.title[:100],
        description=_describe(fresh, description or fresh.content),
        category=category,
    )
    return _converted(actor, fresh, _("民生实事项目建议"), proposal=proposal)
