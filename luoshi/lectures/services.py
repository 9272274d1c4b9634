"""The only code that writes the lecture menu (宣讲菜单 / 点单式宣讲): categories, items and orders.

The office of a campaign (MANAGE_STUDY over the campaign's unit) keeps the menu: categories and items, each item
with its speaker (a member of the register, chosen by number). A unit within the campaign orders an item
(点单, ORDER_LECTURE over the unit) with a wished date and half-day; the order moves on the tracked-work engine:
the office dispatches it (派单) for a date and half-day, the speaker (the member's login, role 宣讲员) accepts or
declines it, the speaker (or the office for them) marks it held with the listener count once the day has come,
and the ordering unit rates it. A speaker holds at most one booked order per half-day: dispatch locks the
speaker's register row and refuses a clash (``SpeakerBooked``); the conditional unique constraint on the table is
the last line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.services import record_change, snapshot
from luoshi.campaigns.models import Campaign
from luoshi.core import paths
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.lectures import workflow
from luoshi.lectures.choices import BOOKED, OrderEventKind, OrderState
from luoshi.lectures.models import LectureCategory, LectureItem, LectureOrder, LectureOrderEvent
from luoshi.members.models import Member
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind
from luoshi.orgs.models import Unit
from luoshi.study.choices import HalfDay
from luoshi.tracking import engine
from luoshi.tracking.workflow import Transition

MAX_LISTENERS = 10_000
MAX_MINUTES = 480
MAX_TITLE = 200
MAX_CATEGORY = 60
MAX_TEXT = 200
MAX_COMMENT = 1000
MAX_SUMMARY = 5000
LOWEST_RATING = 1
HIGHEST_RATING = 5


class SpeakerBooked(RuleViolation):
    """The speaker already has a booked order in that half-day (the API answers 409 with these details)."""

    code = "speaker_booked"

    def __init__(self, message: str, *, speaker: Member, date: dt.date, half: str, clash: LectureOrder | None):
        super().__init__(message, self.code)
        self.speaker, self.date, self.half, self.clash = speaker, date, half, clash

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "detail": str(self),
            "speaker": self.speaker.pk,
            "speaker_number": self.speaker.number,
            "date": self.date.isoformat(),
            "half": self.half,
            "order": self.clash.pk if self.clash is not None else None,
        }


def today() -> dt.date:
    return timezone.localdate()


def order_url(order: LectureOrder) -> str:
    return reverse("lectures:order", args=[order.pk])


def half_label(half: str) -> str:
    return str(HalfDay(half).label) if half in HalfDay.values else half


# --- the tracker ----------------------------------------------------------------------------------------------


def manages(user: Any, campaign: Campaign) -> bool:
    """Whether the user keeps the campaign's menu and dispatches its orders (its office)."""
    return user is not None and scope.can(user, Perm.MANAGE_STUDY, campaign.unit.path)


def is_speaker(user: Any, order: LectureOrder) -> bool:
    """Whether the user is the order's speaker (the member's linked login)."""
    speaker_user = Member.objects.filter(pk=order.speaker_id).values_list("user_id", flat=True).first()
    return user is not None and speaker_user is not None and speaker_user == user.pk


def _campaign_office(actor: Any, item: LectureOrder) -> str | None:
    if not manages(actor, item.campaign):
        return _("只有活动「{campaign}」的办公室才能派单或代为登记。").format(campaign=item.campaign)
    return None


def _the_speaker(actor: Any, item: LectureOrder) -> str | None:
    if not is_speaker(actor, item):
        return _("只有宣讲人本人才能接单、退回或登记宣讲。")
    return None


def _day_reached(item: LectureOrder) -> str | None:
    if item.date is not None and item.date > today():
        return _("宣讲日期（{date}）未到，不能登记已宣讲。").format(date=f"{item.date:%Y-%m-%d}")
    return None


def _speaker_holds(actor: Any, item: LectureOrder) -> str | None:
    return _the_speaker(actor, item) or _day_reached(item)


def _office_records(actor: Any, item: LectureOrder) -> str | None:
    return _campaign_office(actor, item) or _day_reached(item)


class OrderTracker(engine.Tracker[LectureOrder]):
    def notify(self, actor: Any, item: LectureOrder, step: Transition | str) -> None:
        """派单 → the ordering unit's liaison and the speaker; 接单 / 退回 → the ordering unit's liaison."""
        action = self.workflow.name_of(step) if isinstance(step, Transition) else ""
        if action not in ("dispatch", "accept", "decline"):
            return
        me = getattr(actor, "pk", None)
        side = {*notices.users_of_unit(item.unit, Perm.ORDER_LECTURE), item.ordered_by_id}
        unit_side = [pk for pk in side if pk is not None and pk != me]
        title = item.item.title
        when = f"{item.date:%Y-%m-%d} {half_label(item.half)}" if item.date else ""
        url = order_url(item)
        if action == "dispatch":
            text = _("宣讲点单已派单：{title}（{when}）").format(title=title, when=when)
            notices.notify(unit_side, kind=NoticeKind.DECIDED, title=text, url=url, obj=item)
            speaker = Member.objects.filter(pk=item.speaker_id).values_list("user_id", flat=True).first()
            if speaker and speaker != me:
                text = _("您有新的宣讲派单：{title}（{when}，{unit}）").format(title=title, when=when, unit=item.unit)
                notices.notify([speaker], kind=NoticeKind.ASSIGNED, title=text, url=url, obj=item)
        elif action == "accept":
            text = _("宣讲人已接单：{title}（{when}）").format(title=title, when=when)
            notices.notify(unit_side, kind=NoticeKind.DECIDED, title=text, url=url, obj=item)
        else:
            text = _("宣讲人退回了点单：{title}").format(title=title)
            notices.notify(unit_side, kind=NoticeKind.SENT_BACK, title=text, url=url, obj=item)


TRACKER = OrderTracker(
    model=LectureOrder,
    workflow=workflow.WORKFLOW,
    event_model=LectureOrderEvent,
    item_field="order",
    stale_message=gettext_lazy("该宣讲点单已被他人处理，请刷新页面后重试。"),
    related=("campaign__unit", "item", "unit", "speaker"),
    guards={
        "dispatch": _campaign_office,
        "accept": _the_speaker,
        "decline": _the_speaker,
        "hold": _speaker_holds,
        "record": _office_records,
    },
)


def available_actions(actor: Any, order: LectureOrder) -> list[str]:
    """What ``actor`` may do with ``order`` now: buttons, action pages and the API's ``allowed_actions``."""
    return engine.available_actions(TRACKER, actor, order)


# --- the menu: categories and items ----------------------------------------------------------------------------


def _require_office(actor: Any, campaign: Campaign, message: str) -> None:
    if not manages(actor, campaign):
        raise NotAllowed(message)


def _active(campaign: Campaign) -> None:
    if not campaign.is_active:
        raise RuleViolation(_("活动「{campaign}」已结束。").format(campaign=campaign))


def _text(value: str, what: str, most: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise RuleViolation(_("{what}不能为空。").format(what=what))
    if len(text) > most:
        raise RuleViolation(_("{what}不能超过 {most} 字。").format(what=what, most=most))
    return text


def clean_minutes(minutes: Any) -> int:
    """A lecture's length in minutes: a whole number from 10 to 480."""
    try:
        value = int(minutes)
    except (TypeError, ValueError) as exc:
        raise RuleViolation(_("时长须为整数（分钟）。"), code="minutes") from exc
    if not 10 <= value <= MAX_MINUTES:
        raise RuleViolation(_("时长应在 10 到 {most} 分钟之间。").format(most=MAX_MINUTES), code="minutes")
    return value


def create_category(actor: User, *, campaign: Campaign, name: str, order: int | None = None) -> LectureCategory:
    """新增宣讲类别 of a campaign's menu, by its office."""
    _require_office(actor, campaign, _("您无权设置该活动的宣讲菜单。"))
    _active(campaign)
    name = _text(name, _("类别"), MAX_CATEGORY)
    if LectureCategory.objects.filter(campaign=campaign, name=name).exists():
        raise RuleViolation(_("宣讲类别「{name}」已存在。").format(name=name), code="duplicate")
    if order is None:
        order = LectureCategory.objects.filter(campaign=campaign).count() + 1
    with transaction.atomic():
        category = LectureCategory.objects.create(
            campaign=campaign, org_path=campaign.unit.path, name=name, order=max(0, min(int(order), 32767))
        )
        record_change(actor, category, None, detail=_("新增宣讲类别"))
    return category


def update_category(actor: User, category: LectureCategory, *, name: str, order: int) -> LectureCategory:
    """修改宣讲类别."""
    _require_office(actor, category.campaign, _("您无权修改该宣讲类别。"))
    name = _text(name, _("类别"), MAX_CATEGORY)
    if LectureCategory.objects.filter(campaign=category.campaign, name=name).exclude(pk=category.pk).exists():
        raise RuleViolation(_("宣讲类别「{name}」已存在。").format(name=name), code="duplicate")
    with transaction.atomic():
        fresh = LectureCategory.objects.select_for_update().get(pk=category.pk)
        before = snapshot(fresh)
        fresh.name, fresh.order = name, max(0, min(int(order), 32767))
        fresh.save()
        record_change(actor, fresh, before, detail=_("修改宣讲类别"))
    return fresh


def speaker_for(campaign: Campaign, number: str) -> Member:
    """The active member with ``number`` in the campaign unit's register; otherwise a refusal that does not tell
    a member elsewhere from none at all."""
    number = (number or "").strip()
    found = Member.objects.filter(number=number, active=True).select_related("unit").first() if number else None
    if found is None or not paths.is_within(found.org_path, campaign.unit.path):
        raise RuleViolation(_("编号「{number}」不在本活动范围的党员干部名册中。").format(number=number), code="speaker")
    return found


def _check_item(campaign: Campaign, category: LectureCategory, speaker: Member, title: str, pk: int | None) -> str:
    if category.campaign_id != campaign.pk:
        message = _("类别「{category}」不属于活动「{campaign}」。").format(category=category, campaign=campaign)
        raise RuleViolation(message)
    if not speaker.active or not paths.is_within(speaker.org_path, campaign.unit.path):
        raise RuleViolation(_("宣讲人「{speaker}」不在本活动范围的名册中。").format(speaker=speaker), code="speaker")
    title = _text(title, _("宣讲题目"), MAX_TITLE)
    if LectureItem.objects.filter(campaign=campaign, title=title).exclude(pk=pk or 0).exists():
        raise RuleViolation(_("菜单中已有题目「{title}」。").format(title=title), code="duplicate")
    return title


def create_item(
    actor: User,
    *,
    campaign: Campaign,
    category: LectureCategory,
    title: str,
    speaker: Member,
    minutes: int = 60,
    summary: str = "",
    active: bool = True,
) -> LectureItem:
    """新增菜单项: a title of a category, its speaker (a member of the campaign's register) and its length."""
    _require_office(actor, campaign, _("您无权设置该活动的宣讲菜单。"))
    _active(campaign)
    title = _check_item(campaign, category, speaker, title, None)
    item = LectureItem(
        campaign=campaign,
        org_path=campaign.unit.path,
        category=category,
        title=title,
        speaker=speaker,
        minutes=clean_minutes(minutes),
        summary=_text(summary, _("内容简介"), MAX_SUMMARY, required=False),
        active=bool(active),
    )
    with transaction.atomic():
        item.save()
        record_change(actor, item, None, detail=_("新增宣讲菜单项"))
    return item


def update_item(
    actor: User,
    item: LectureItem,
    *,
    category: LectureCategory,
    title: str,
    speaker: Member,
    minutes: int,
    summary: str = "",
    active: bool = True,
) -> LectureItem:
    """修改菜单项 (orders already made keep the speaker they were made with)."""
    _require_office(actor, item.campaign, _("您无权修改该宣讲菜单项。"))
    title = _check_item(item.campaign, category, speaker, title, item.pk)
    with transaction.atomic():
        fresh = LectureItem.objects.select_for_update().get(pk=item.pk)
        before = snapshot(fresh)
        fresh.category, fresh.title, fresh.speaker = category, title, speaker
        fresh.minutes = clean_minutes(minutes)
        fresh.summary = _text(summary, _("内容简介"), MAX_SUMMARY, required=False)
        fresh.active = bool(active)
        fresh.save()
        record_change(actor, fresh, before, detail=_("修改宣讲菜单项"))
    return fresh


# --- orders -----------------------------------------------------------------------------------------------------


def clean_half(half: str, what: str) -> str:
    if half not in HalfDay.values:
        raise RuleViolation(_("请选择{what}（上午、下午或晚上）。").format(what=what), code="half")
    return half


def _within_campaign(campaign: Campaign, day: dt.date, what: str) -> None:
    if not campaign.starts_on <= day <= campaign.ends_on:
        raise RuleViolation(
            _("{what}应在活动期间（{start} 至 {end}）内。").format(
                what=what, start=f"{campaign.starts_on:%Y-%m-%d}", end=f"{campaign.ends_on:%Y-%m-%d}"
            ),
            code="date",
        )


def order_lecture(
    actor: User,
    *,
    item: LectureItem,
    unit: Unit,
    wished_date: dt.date,
    wished_half: str,
    audience: str = "",
    place: str = "",
    note: str = "",
) -> LectureOrder:
    """点单: ``unit`` (ORDER_LECTURE over it) orders a menu item for a wished date and half-day; the speaker is the
    item's. The item must be on the menu (上架) of an active campaign the unit belongs to."""
    scope.require(actor, Perm.ORDER_LECTURE, unit.path, _("您无权为该单位点单。"))
    campaign = item.campaign
    _active(campaign)
    if not item.active:
        raise RuleViolation(_("「{title}」已下架，不能点单。").format(title=item.title), code="inactive")
    if not paths.is_within(unit.path, campaign.unit.path):
        raise RuleViolation(_("单位「{unit}」不在活动「{campaign}」的范围内。").format(unit=unit, campaign=campaign))
    _within_campaign(campaign, wished_date, _("期望日期"))
    order = LectureOrder(
        campaign=campaign,
        item=item,
        unit=unit,
        org_path=unit.path,
        speaker_id=item.speaker_id,
        wished_date=wished_date,
        wished_half=clean_half(wished_half, _("期望时段")),
        audience=_text(audience, _("宣讲对象"), MAX_TEXT, required=False),
        place=_text(place, _("地点"), MAX_TEXT, required=False),
        note=_text(note, _("说明"), MAX_COMMENT, required=False),
        state=OrderState.ORDERED,
        ordered_by=actor,
    )
    with transaction.atomic():
        order.save()
        when = f"{wished_date:%Y-%m-%d} {half_label(order.wished_half)}"
        engine.event(TRACKER, order, actor, OrderEventKind.ORDERED, note=_("期望 {when}").format(when=when))
        record_change(actor, order, None, detail=_("宣讲点单"))
    return order


def _clash_message(speaker: Member, day: dt.date, half: str, clash: LectureOrder | None) -> str:
    when = f"{day:%Y-%m-%d} {half_label(half)}"
    if clash is None:
        return _("宣讲人{speaker}在 {when} 已有宣讲安排，不能重复派单。").format(speaker=speaker, when=when)
    return _(
        "宣讲人{speaker}在 {when} 已有宣讲安排（点单 {number}：「{title}」，{unit}），不能重复派单，请另选时段。"
    ).format(speaker=speaker, when=when, number=clash.pk, title=clash.item.title, unit=clash.unit.name)


def _booking(order: LectureOrder, day: dt.date, half: str) -> LectureOrder | None:
    clashes = LectureOrder.objects.filter(speaker_id=order.speaker_id, date=day, half=half, state__in=BOOKED)
    return clashes.exclude(pk=order.pk).select_related("item", "unit").first()


@transaction.atomic
def dispatch_order(
    actor: User,
    order: LectureOrder,
    *,
    date: dt.date | None = None,
    half: str = "",
    note: str = "",
    version: int | None = None,
) -> LectureOrder:
    """派单: the office fixes the date and half-day (the wished ones by default). Refused with ``SpeakerBooked``
    when the speaker already has a booked order then; the speaker's register row is locked first, so two
    dispatches of one half-day cannot both pass."""
    fresh, step = engine.start(TRACKER, actor, order, "dispatch", version)
    day = date or fresh.wished_date
    half = clean_half(half or fresh.wished_half, _("宣讲时段"))
    _within_campaign(fresh.campaign, day, _("宣讲日期"))
    speaker = Member.objects.select_for_update().get(pk=fresh.speaker_id)
    clash = _booking(fresh, day, half)
    if clash is not None:
        message = _clash_message(speaker, day, half, clash)
        raise SpeakerBooked(message, speaker=speaker, date=day, half=half, clash=clash)
    text = f"{day:%Y-%m-%d} {half_label(half)}" + (f"：{note.strip()[:500]}" if note.strip() else "")
    try:
        with transaction.atomic():
            return engine.move(TRACKER, actor, fresh, step, note=text, date=day, half=half)
    except IntegrityError as exc:
        clash = _booking(fresh, day, half)
        message = _clash_message(speaker, day, half, clash)
        raise SpeakerBooked(message, speaker=speaker, date=day, half=half, clash=clash) from exc


@transaction.atomic
def accept_order(actor: User, order: LectureOrder, *, version: int | None = None) -> LectureOrder:
    """接单 by the speaker."""
    fresh, step = engine.start(TRACKER, actor, order, "accept", version)
    return engine.move(TRACKER, actor, fresh, step)


@transaction.atomic
def decline_order(actor: User, order: LectureOrder, *, reason: str, version: int | None = None) -> LectureOrder:
    """退回 by the speaker, with the reason; final (the half-day is free again, the unit may order anew)."""
    fresh, step = engine.start(TRACKER, actor, order, "decline", version)
    reason = _text(reason, _("退回理由"), MAX_COMMENT)
    return engine.move(TRACKER, actor, fresh, step, note=reason)


def clean_listeners(listeners: Any) -> int:
    """The listener count a held lecture must give: a whole number from 1 to ``MAX_LISTENERS``."""
    if listeners is None or listeners == "":
        raise RuleViolation(_("请填写听众人数。"), code="listeners")
    try:
        value = int(listeners)
    except (TypeError, ValueError) as exc:
        raise RuleViolation(_("听众人数须为整数。"), code="listeners") from exc
    if isinstance(listeners, float) and listeners != value:
        raise RuleViolation(_("听众人数须为整数。"), code="listeners")
    if not 1 <= value <= MAX_LISTENERS:
        raise RuleViolation(_("听众人数应在 1 到 {most} 之间。").format(most=MAX_LISTENERS), code="listeners")
    return value


def _held(actor: User, order: LectureOrder, action: str, listeners: Any, note: str, version: int | None) -> Any:
    fresh, step = engine.start(TRACKER, actor, order, action, version)
    count = clean_listeners(listeners)
    text = _("听众 {n} 人").format(n=count) + (f"：{note.strip()[:500]}" if note.strip() else "")
    return engine.move(TRACKER, actor, fresh, step, note=text, listeners=count)


@transaction.atomic
def hold_order(
    actor: User, order: LectureOrder, *, listeners: Any, note: str = "", version: int | None = None
) -> LectureOrder:
    """已宣讲, marked by the speaker once the day has come, with the listener count (required)."""
    return _held(actor, order, "hold", listeners, note, version)


@transaction.atomic
def record_held(
    actor: User, order: LectureOrder, *, listeners: Any, note: str = "", version: int | None = None
) -> LectureOrder:
    """已宣讲, recorded by the campaign's office for the speaker, with the listener count (required)."""
    return _held(actor, order, "record", listeners, note, version)


def clean_rating(rating: Any) -> int:
    try:
        value = int(rating)
    except (TypeError, ValueError) as exc:
        raise RuleViolation(_("评分须为 1 到 5 的整数。"), code="rating") from exc
    if (isinstance(rating, float) and rating != value) or not LOWEST_RATING <= value <= HIGHEST_RATING:
        raise RuleViolation(_("评分须为 1 到 5 的整数。"), code="rating")
    return value


@transaction.atomic
def rate_order(
    actor: User, order: LectureOrder, *, rating: Any, comment: str = "", version: int | None = None
) -> LectureOrder:
    """评单 by the ordering unit after the lecture was held: 1–5 stars and a comment."""
    fresh, step = engine.start(TRACKER, actor, order, "rate", version)
    stars = clean_rating(rating)
    comment = _text(comment, _("评价"), MAX_COMMENT, required=False)
    text = _("{n} 星").format(n=stars) + (f"：{comment}" if comment else "")
    return engine.move(TRACKER, actor, fresh, step, note=text, rating=stars, rating_comment=comment)


@transaction.atomic
def cancel_order(actor: User, order: LectureOrder, *, reason: str = "", version: int | None = None) -> LectureOrder:
    """取消点单 by the ordering unit before the speaker accepts it (a dispatched half-day is freed)."""
    fresh, step = engine.start(TRACKER, actor, order, "cancel", version)
    reason = _text(reason, _("取消原因"), MAX_COMMENT, required=False)
    return engine.move(TRACKER, actor, fresh, step, note=reason)
