"""Deliveries out of the inbox (送达): which messages go where, and sending one.

- ``plan(ids)``: for notifications just saved, one ``Delivery`` per channel that takes them: the urgent
  kinds (URGED, ESCALATED) on the recipient's own e-mail / SMS as the preferences say; the group kinds
  (URGED, ESCALATED, ROUND_OPENED) once per group robot of the recipients' units (the unit's own robot, else
  the platform's default robot of that kind). Each is due now, or at the end of the quiet hours.
- ``collect_digests(now)``: one e-mail (and one SMS when opted in) per user with unread, not yet digested,
  non-urgent notifications of the last day; those notifications are marked digested.
- ``deliver(pk)``: one attempt of one delivery. A failure is recorded on the row (no personal data) and in the
  log; the inbox and the change that caused the notification are never touched.

The queue (``luoshi.notices.tasks``) runs ``plan`` after commit and ``deliver`` with retries.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi.access.models import RoleAssignment
from luoshi.accounts.models import User
from luoshi.core.crypto import DecryptionError, decrypt
from luoshi.notices import channels
from luoshi.notices.channels import ChannelError
from luoshi.notices.models import (
    GROUP_KINDS,
    URGENT_KINDS,
    Channel,
    Delivery,
    DeliveryStatus,
    GroupKind,
    NoticeKind,
    NoticePreference,
    Notification,
    UnitChannel,
)
from luoshi.notices.quiet import due_time, quiet_until

logger = logging.getLogger(__name__)
DIGEST_TITLES = 10
RETRY = "retry"


# --- settings ---------------------------------------------------------------------------------------


def email_on() -> bool:
    return bool(getattr(settings, "LUOSHI_NOTICE_EMAIL", False))


def sms_on() -> bool:
    return bool(getattr(settings, "LUOSHI_NOTICE_SMS_PROVIDER", ""))


def groups_on() -> bool:
    return bool(getattr(settings, "LUOSHI_NOTICE_GROUP_ROBOTS", False)) or any(
        url for url, _secret in default_robots().values()
    )


def default_robots() -> dict[str, tuple[str, str]]:
    """The platform-wide robots from settings: kind → (webhook, secret); empty webhook when none."""
    return {
        GroupKind.WECOM: (getattr(settings, "LUOSHI_NOTICE_WECOM_WEBHOOK", ""), ""),
        GroupKind.DINGTALK: (
            getattr(settings, "LUOSHI_NOTICE_DINGTALK_WEBHOOK", ""),
            getattr(settings, "LUOSHI_NOTICE_DINGTALK_SECRET", ""),
        ),
    }


def any_channel() -> bool:
    return email_on() or sms_on() or groups_on()


def max_attempts() -> int:
    return int(getattr(settings, "LUOSHI_NOTICE_RETRIES", 3)) + 1


def site_link(path: str) -> str:
    return f"{getattr(settings, 'LUOSHI_NOTICE_SITE_URL', '').rstrip('/')}{path}"


# --- preferences ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prefs:
    email: bool = True
    sms: bool = False
    digest: bool = True
    phone_enc: str = ""
    phone_masked: str = ""


def prefs_of(user_ids: Any) -> dict[int, Prefs]:
    found = NoticePreference.objects.filter(user_id__in=list(user_ids))
    return {p.user_id: Prefs(p.email, p.sms, p.digest, p.phone_enc, p.phone_masked) for p in found}


def phone_of(prefs: Prefs) -> str:
    try:
        return decrypt(prefs.phone_enc)
    except (DecryptionError, ValueError):
        return ""


def _unit_paths(user_ids: Any) -> dict[int, str]:
    """Each user's unit path for the office's delivery log: the account's unit (所属单位), else the first unit
    the user holds a role on."""
    ids = list(user_ids)
    found = dict(User.objects.filter(pk__in=ids, unit__isnull=False).values_list("pk", "unit__path"))
    missing = [pk for pk in ids if pk not in found]
    if missing:
        roles = RoleAssignment.objects.filter(user_id__in=missing).order_by("unit__path")
        for user_id, path in roles.values_list("user_id", "unit__path"):
            found.setdefault(user_id, path)
    return found


# --- planning ---------------------------------------------------------------------------------------


def plan(ids: list[int], now: dt.datetime | None = None) -> list[Delivery]:
    """The deliveries of notifications just saved (see the module's doc); saved in one INSERT."""
    now = now or timezone.now()
    due = due_time(now)
    rows = list(
        Notification.objects.filter(pk__in=ids, kind__in=URGENT_KINDS | GROUP_KINDS, recipient__is_active=True)
        .select_related("recipient")
        .order_by("id")
    )
    if not rows:
        return []
    user_ids = {n.recipient_id for n in rows}
    made = _personal(rows, user_ids, due) + _groups(rows, user_ids, due)
    return Delivery.objects.bulk_create(made)


def _personal(rows: list[Notification], user_ids: set[int], due: dt.datetime) -> list[Delivery]:
    urgent = [n for n in rows if n.kind in URGENT_KINDS]
    if not urgent or not (email_on() or sms_on()):
        return []
    prefs, paths = prefs_of(user_ids), _unit_paths(user_ids)
    made = []
    for notice in urgent:
        user, pref = notice.recipient, prefs.get(notice.recipient_id, Prefs())
        common = {"notification": notice, "recipient": user, "org_path": paths.get(user.pk, ""), "due_at": due}
        if email_on() and pref.email and user.email:
            made.append(Delivery(channel=Channel.EMAIL, target=channels.mask_email(user.email), **common))
        if sms_on() and pref.sms and pref.phone_enc:
            made.append(Delivery(channel=Channel.SMS, target=pref.phone_masked, **common))
    return made


def _groups(rows: list[Notification], user_ids: set[int], due: dt.datetime) -> list[Delivery]:
    grouped = [n for n in rows if n.kind in GROUP_KINDS]
    if not grouped or not groups_on():
        return []
    units: dict[int, list[tuple[int, str]]] = {}
    for user_id, unit_id, path in (
        RoleAssignment.objects.filter(user_id__in=user_ids)
        .order_by("unit__path")
        .values_list("user_id", "unit_id", "unit__path")
        .distinct()
    ):
        units.setdefault(user_id, []).append((unit_id, path))
    robots: dict[tuple[int, str], UnitChannel] = {}
    if getattr(settings, "LUOSHI_NOTICE_GROUP_ROBOTS", False):
        unit_ids = {unit_id for found in units.values() for unit_id, _path in found}
        for found_robot in UnitChannel.objects.filter(unit_id__in=unit_ids, active=True):
            robots[(found_robot.unit_id, found_robot.kind)] = found_robot
    defaults = default_robots()
    seen: set[tuple[Any, ...]] = set()
    made = []
    for notice in grouped:
        about = (notice.kind, notice.object_type, notice.object_id, notice.title)
        for unit_id, path in units.get(notice.recipient_id, []):
            for kind in GroupKind.values:
                robot = robots.get((unit_id, kind))
                if robot is None and not defaults[kind][0]:
                    continue
                key = (kind, robot.pk if robot else None, *about)
                if key in seen:
                    continue
                seen.add(key)
                target = channels.mask_webhook(robot.webhook_url if robot else defaults[kind][0])
                made.append(
                    Delivery(
                        channel=kind, notification=notice, unit_channel=robot, org_path=path, target=target, due_at=due
                    )
                )
    return made


# --- the daily digest -------------------------------------------------------------------------------


def collect_digests(now: dt.datetime | None = None) -> list[Delivery]:
    """Each user's digest of the last day (see the module's doc); the listed notifications are marked digested."""
    now = now or timezone.now()
    if not (email_on() or sms_on()):
        return []
    pending = Notification.objects.filter(
        read_at__isnull=True,
        digested_at__isnull=True,
        created_at__gte=now - dt.timedelta(days=1),
        created_at__lte=now,
    ).exclude(kind__in=URGENT_KINDS)
    user_ids = set(pending.values_list("recipient_id", flat=True).distinct())
    if not user_ids:
        return []
    users = list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))
    prefs, paths = prefs_of(user_ids), _unit_paths(user_ids)
    due = due_time(now)
    made, chosen = [], []
    for user in users:
        pref = prefs.get(user.pk, Prefs())
        if not pref.digest:
            continue
        common = {"recipient": user, "digest_at": now, "org_path": paths.get(user.pk, ""), "due_at": due}
        mine = []
        if email_on() and pref.email and user.email:
            mine.append(Delivery(channel=Channel.EMAIL, target=channels.mask_email(user.email), **common))
        if sms_on() and pref.sms and pref.phone_enc:
            mine.append(Delivery(channel=Channel.SMS, target=pref.phone_masked, **common))
        if mine:
            made += mine
            chosen.append(user.pk)
    if not chosen:
        return []
    pending.filter(recipient_id__in=chosen).update(digested_at=now)
    return Delivery.objects.bulk_create(made)


# --- sending ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    short: str


def _notice_message(notice: Notification) -> Message:
    link = site_link(notice.url) if notice.url.startswith("/") else ""
    text = "\n\n".join(part for part in (notice.title, notice.body, link) if part)
    return Message(
        _("【落实】{title}").format(title=notice.title),
        text,
        _("【落实】{title}。请登录平台查看。").format(title=notice.title[:60]),
    )


def _digest_message(delivery: Delivery) -> Message | None:
    rows = Notification.objects.filter(recipient_id=delivery.recipient_id, digested_at=delivery.digest_at)
    counts = Counter(rows.values_list("kind", flat=True))
    total = sum(counts.values())
    if not total:
        return None
    titles = list(rows.order_by("-id").values_list("title", flat=True)[:DIGEST_TITLES])
    labels = dict(NoticeKind.choices)
    lines = [_("您有 {n} 条未读消息：").format(n=total)]
    lines += [f"- {labels.get(kind, kind)}：{count}" for kind, count in sorted(counts.items())]
    lines += ["", _("最近的消息：")] + [f"· {title}" for title in titles]
    if total > len(titles):
        lines.append(_("…… 另有 {n} 条").format(n=total - len(titles)))
    lines += ["", _("查看全部：{link}").format(link=site_link(reverse("notices:inbox")))]
    return Message(
        _("【落实】每日消息汇总（{n} 条未读）").format(n=total),
        "\n".join(lines),
        _("【落实】您有 {n} 条未读消息，请登录平台查看。").format(n=total),
    )


def _group_text(notice: Notification) -> str:
    link = site_link(notice.url) if notice.url.startswith("/") else ""
    parts = [f"**{notice.title}**"]
    if notice.body:
        parts.append(notice.body)
    if link:
        parts.append(f"[{_('查看')}]({link})")
    return "\n\n".join(parts)


class Skip(Exception):
    """The delivery has nothing to send or nobody to send it to any more (switched off, removed)."""


def _send(delivery: Delivery) -> None:
    """One attempt; ``ChannelError`` when the channel failed, ``Skip`` when there is nothing to do."""
    if delivery.digest_at is not None:
        message = _digest_message(delivery)
    elif delivery.notification is not None:
        message = _notice_message(delivery.notification)
    else:
        message = None
    if message is None:
        raise Skip("nothing to send")
    if delivery.channel in GroupKind.values:
        _send_group(delivery, delivery.notification)
        return
    user = delivery.recipient
    if user is None or not user.is_active:
        raise Skip("recipient inactive")
    pref = prefs_of([user.pk]).get(user.pk, Prefs())
    if delivery.channel == Channel.EMAIL:
        if not (email_on() and user.email):
            raise Skip("e-mail off or no address")
        channels.send_email(user.email, message.subject, message.text)
    elif delivery.channel == Channel.SMS:
        phone = phone_of(pref)
        provider = channels.sms_provider()
        if provider is None or not pref.sms or not phone:
            raise Skip("sms off or no number")
        provider.send(phone, message.short)


def _send_group(delivery: Delivery, notice: Notification | None) -> None:
    if notice is None:
        raise Skip("nothing to send")
    if delivery.unit_channel_id is not None:
        robot = UnitChannel.objects.filter(pk=delivery.unit_channel_id, active=True).first()
        if robot is None:
            raise Skip("group robot switched off")
        url, secret = robot.webhook_url, robot.secret
    else:
        url, secret = default_robots()[delivery.channel]
        if not url:
            raise Skip("default robot not configured")
    if delivery.channel == GroupKind.WECOM:
        channels.post_wecom(url, _group_text(notice))
    else:
        channels.post_dingtalk(url, secret, notice.title[:60], _group_text(notice))


def deliver(pk: int, now: dt.datetime | None = None) -> str | dt.datetime | None:
    """One attempt of one delivery: None when it is done (sent, failed for good or skipped), ``RETRY`` when it
    failed and has attempts left, or the end of the quiet hours when it must wait for them."""
    delivery = (
        Delivery.objects.select_related("recipient", "notification").filter(pk=pk, status=DeliveryStatus.QUEUED)
    ).first()
    if delivery is None:
        return None
    now = now or timezone.now()
    until = quiet_until(now)
    if until is not None:
        Delivery.objects.filter(pk=pk).update(due_at=until, updated_at=now)
        return until
    delivery.attempts += 1
    outcome: str | None = None
    try:
        with translation.override(settings.LANGUAGE_CODE):
            _send(delivery)
    except Skip as exc:
        delivery.status, delivery.last_error = DeliveryStatus.SKIPPED, str(exc)
    except ChannelError as exc:
        outcome = _failed(delivery, str(exc))
    except Exception as exc:  # a channel must never break anything else
        outcome = _failed(delivery, f"{type(exc).__name__}")
    else:
        delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, now, ""
    delivery.save(update_fields=["status", "attempts", "last_error", "sent_at", "updated_at"])
    return outcome


def _failed(delivery: Delivery, error: str) -> str | None:
    delivery.last_error = error[:200]
    logger.warning(
        "delivery %s on %s failed (attempt %s): %s", delivery.pk, delivery.channel, delivery.attempts, error[:200]
    )
    if delivery.attempts >= max_attempts():
        delivery.status = DeliveryStatus.FAILED
        return None
    return RETRY


def queryset_for_log() -> models.QuerySet[Delivery]:
    return Delivery.objects.select_related("recipient", "unit_channel__unit")
