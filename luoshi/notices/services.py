"""The only code that writes notifications: sending them (a system effect, not audited) and marking one's own read."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import roles_with
from luoshi.accounts.models import User
from luoshi.core.pagination import bounded_count
from luoshi.notices.models import NoticeKind, Notification

UNREAD_LIMIT = 99
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
    return Notification.objects.bulk_create(kept)


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
