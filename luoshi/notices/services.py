"""The only code that writes notifications: sending them (a system effect, not audited) and marking one's own read."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Perm, roles_with
from luoshi.accounts.models import User
from luoshi.audit import services as audit
from luoshi.audit.models import Action
from luoshi.audit.services import snapshot
from luoshi.core.crypto import DecryptionError, decrypt, encrypt, mask_phone
from luoshi.core.errors import RuleViolation
from luoshi.core.pagination import bounded_count
from luoshi.core.public import check_phone
from luoshi.notices import delivery, tasks
from luoshi.notices.models import (
    GROUP_KINDS,
    URGENT_KINDS,
    Delivery,
    GroupKind,
    NoticeKind,
    NoticePreference,
    Notification,
    UnitChannel,
)
from luoshi.orgs.models import Unit

UNREAD_LIMIT = 99
OUTGOING_KINDS = URGENT_KINDS | GROUP_KINDS
logger = logging.getLogger(__name__)


def _recipient_ids(recipients: Iterable[User | int]) -> list[int]:
    seen: dict[int, None] = {}
    for r in recipients:
        pk = r if isinstance(r, int) else r.pk
        if pk is not None:
            seen.setdefault(pk, None)
    return list(seen)


def build(
    recipients: Iterable[User | int],
    *,
    kind: str = NoticeKind.OTHER,
    title: str,
    body: str = "",
    url: str = "",
    obj: models.Model | None = None,
) -> list[Notification]:
    """Unsaved notifications for ``recipients`` (deduplicated), to be saved together by ``send``."""
    ids = _recipient_ids(recipients)
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = obj.pk if obj is not None else None
    return [
        Notification(
            recipient_id=pk,
            kind=kind,
            title=str(title)[:200],
            body=str(body),
            url=url[:500],
            object_type=object_type,
            object_id=object_id,
        )
        for pk in ids
    ]


def send(rows: list[Notification]) -> list[Notification]:
    """Save notifications in one INSERT, leaving out duplicates and users who are not active."""
    ids = {row.recipient_id for row in rows}
    if not ids:
        return []
    active = set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for row in rows:
        key = (row.recipient_id, row.kind, row.object_type, row.object_id, row.title)
        if row.recipient_id in active and key not in seen:
            seen.add(key)
            kept.append(row)
    saved = Notification.objects.bulk_create(kept)
    _queue_deliveries(saved)
    return saved


def _queue_deliveries(saved: list[Notification]) -> None:
    """The kinds that leave the inbox at once are planned once the transaction commits (the inbox rows are
    saved already); nothing is registered when no channel is configured or no row is of such a kind."""
    ids = [row.pk for row in saved if row.kind in OUTGOING_KINDS and row.pk is not None]
    if ids and delivery.any_channel():
        transaction.on_commit(lambda: tasks.dispatch_after_commit(ids))


def notify(
    recipients: Iterable[User | int],
    *,
    kind: str = NoticeKind.OTHER,
    title: str,
    body: str = "",
    url: str = "",
    obj: models.Model | None = None,
) -> list[Notification]:
    """Notify each recipient once (inactive users are skipped); one INSERT."""
    return send(build(recipients, kind=kind, title=title, body=body, url=url, obj=obj))


def send_later(make: Callable[[], list[Notification]]) -> None:
    """Build and send notifications once the transaction commits; a failure is logged (no personal data) and
    never undoes or blocks the change that caused them."""

    def run() -> None:
        try:
            with translation.override(settings.LANGUAGE_CODE):  # read by others: the platform's language
                send(make())
        except Exception as exc:  # a notification must never break a committed change
            logger.error("notifications not sent (%s)", type(exc).__name__)

    transaction.on_commit(run)


def users_of_unit(unit: Any, perm: str) -> list[int]:
    """Ids of the users holding a role with ``perm`` on exactly ``unit`` (not on its parents)."""
    return list(users_of_units([unit], perm).get(getattr(unit, "pk", unit), []))


def users_of_units(units: Iterable[Any], perm: str) -> dict[int, list[int]]:
    """For each unit (or unit id), the ids of the users holding a role with ``perm`` on exactly it; one query."""
    unit_ids = {getattr(u, "pk", u) for u in units}
    found: dict[int, list[int]] = {pk: [] for pk in unit_ids}
    rows = RoleAssignment.objects.filter(unit_id__in=unit_ids, role__in=roles_with(perm), user__is_active=True)
    for unit_id, user_id in rows.order_by("user_id").values_list("unit_id", "user_id").distinct():
        if user_id not in found[unit_id]:
            found[unit_id].append(user_id)
    return found


def inbox(user: User) -> models.QuerySet[Notification]:
    """The user's own notifications."""
    return Notification.objects.filter(recipient_id=user.pk)


def mark_read(user: User, ids: Iterable[int]) -> int:
    """Mark the user's own notifications read; ids of others' are silently not found. How many changed."""
    return inbox(user).filter(pk__in=list(ids), read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(user: User) -> int:
    return inbox(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def unread_count(user: User, limit: int = UNREAD_LIMIT) -> int:
    """Unread notifications of the user, counted up to ``limit + 1`` at most."""
    return bounded_count(inbox(user).filter(read_at__isnull=True), limit)


# --- channels: preferences and unit group robots ------------------------------------------------------

PREFERENCE_AUDIT_EXCLUDE = ("phone_enc", "phone_masked")
ROBOT_AUDIT_EXCLUDE = ("webhook_url", "secret")


def preferences_of(user: User) -> NoticePreference:
    """The user's preferences; an unsaved row with the defaults when they never changed them."""
    return NoticePreference.objects.filter(user_id=user.pk).first() or NoticePreference(user_id=user.pk)


@transaction.atomic
def set_preferences(actor: User, *, email: bool, sms: bool, digest: bool, phone: str | None = None) -> NoticePreference:
    """The actor's own channels (消息设置). ``phone``: None keeps the stored number, "" removes it. SMS needs a
    number. Audited without the number."""
    pref = NoticePreference.objects.select_for_update().filter(user_id=actor.pk).first()
    before = None if pref is None else snapshot(pref, exclude=PREFERENCE_AUDIT_EXCLUDE)
    pref = pref or NoticePreference(user_id=actor.pk)
    phone_changed = False
    if phone is not None:
        try:
            number = check_phone(phone)
        except ValidationError as exc:
            raise RuleViolation(" ".join(exc.messages)) from None
        if number and not number.startswith("1"):
            raise RuleViolation(_("短信只能发往手机号（11 位）。"))
        phone_changed = _decrypt_quietly(pref.phone_enc) != number
        pref.phone_enc, pref.phone_masked = encrypt(number), mask_phone(number) if number else ""
    if sms and not pref.phone_enc:
        raise RuleViolation(_("开启短信提醒须先填写手机号。"))
    pref.email, pref.sms, pref.digest = email, sms, digest
    pref.save()
    detail = "phone changed" if phone_changed else ""
    if before is None:
        audit.record(
            Action.CREATE, actor=actor, obj=pref, after=snapshot(pref, PREFERENCE_AUDIT_EXCLUDE), detail=detail
        )
    else:
        after = snapshot(pref, exclude=PREFERENCE_AUDIT_EXCLUDE)
        changed = sorted(k for k in after if before.get(k) != after.get(k) and k != "updated_at")
        if changed or phone_changed:
            audit.record(
                Action.UPDATE,
                actor=actor,
                obj=pref,
                before={k: before.get(k) for k in changed},
                after={k: after[k] for k in changed},
                detail=detail,
            )
    return pref


def _decrypt_quietly(token: str) -> str:
    try:
        return decrypt(token)
    except (DecryptionError, ValueError):
        return ""


def _check_webhook(url: str) -> str:
    url = url.strip()
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise RuleViolation(_("Webhook 地址须以 http:// 或 https:// 开头。"))
    return url


@transaction.atomic
def save_unit_channel(
    actor: User,
    *,
    unit: Unit,
    kind: str,
    webhook_url: str,
    secret: str = "",
    active: bool = True,
    channel: UnitChannel | None = None,
) -> UnitChannel:
    """Configure a unit's group robot (单位群机器人), new or changed; only the office over the unit (管理组织架构).
    Audited without the webhook's key or the secret (credentials)."""
    scope.require(actor, Perm.MANAGE_ORGS, unit.path)
    if kind not in GroupKind.values:
        raise RuleViolation(_("不支持的群机器人类型。"))
    url = _check_webhook(webhook_url)
    if channel is None:
        channel = UnitChannel.objects.filter(unit=unit, kind=kind).first()
    else:
        channel = UnitChannel.objects.select_for_update().get(pk=channel.pk)
        scope.require(actor, Perm.MANAGE_ORGS, channel.org_path)
        if UnitChannel.objects.filter(unit=unit, kind=kind).exclude(pk=channel.pk).exists():
            raise RuleViolation(_("该单位已配置同类型的群机器人。"))
    before = None if channel is None else snapshot(channel, exclude=ROBOT_AUDIT_EXCLUDE)
    credentials = None if channel is None else (channel.webhook_url, channel.secret)
    channel = channel or UnitChannel()
    channel.unit, channel.org_path, channel.kind = unit, unit.path, kind
    channel.webhook_url, channel.secret, channel.active = url, secret.strip(), active
    channel.save()
    detail = "webhook or secret changed" if credentials not in (None, (channel.webhook_url, channel.secret)) else ""
    if before is None:
        audit.record(Action.CREATE, actor=actor, obj=channel, after=snapshot(channel, ROBOT_AUDIT_EXCLUDE))
    else:
        after = snapshot(channel, exclude=ROBOT_AUDIT_EXCLUDE)
        changed = sorted(k for k in after if before.get(k) != after.get(k) and k != "updated_at")
        audit.record(
            Action.UPDATE,
            actor=actor,
            obj=channel,
            before={k: before.get(k) for k in changed},
            after={k: after[k] for k in changed},
            detail=detail,
        )
    return channel


def unit_channels(user: User) -> models.QuerySet[UnitChannel]:
    """The group robots of units in the user's 管理组织架构 scope."""
    return UnitChannel.objects.filter(scope.visible_q(user, Perm.MANAGE_ORGS)).select_related("unit")


def deliveries(user: User) -> models.QuerySet[Delivery]:
    """The delivery log (送达记录) of the units in the user's 管理组织架构 scope."""
    return Delivery.objects.filter(scope.visible_q(user, Perm.MANAGE_ORGS)).select_related(
        "recipient", "unit_channel__unit"
    )
