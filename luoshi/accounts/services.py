"""Login rules: lockout after repeated failures, and the audit of every login attempt."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from luoshi.audit.models import Action
from luoshi.audit.services import record


def is_locked(username: str) -> bool:
    user = get_user_model().objects.filter(username=username).only("locked_until").first()
    return bool(user and user.is_locked)


def note_failed_login(username: str) -> None:
    """Count a failure; lock the account after too many in a row. The username is audited, never the password."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    detail = "用户名不存在" if user is None else "密码错误"
    if user is not None:
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        if user.failed_logins >= settings.LUOSHI_LOGIN_MAX_FAILURES:
            user.locked_until = timezone.now() + timedelta(minutes=settings.LUOSHI_LOGIN_LOCK_MINUTES)
            user.save(update_fields=["locked_until"])
            detail = "密码错误，账号已锁定"
    record(Action.LOGIN_FAILED, actor_name=username[:150], object_type="accounts.user", detail=detail)


def note_login(user: Any) -> None:
    type(user).objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    record(Action.LOGIN, actor=user, obj=user)


def note_logout(user: Any) -> None:
    if user is not None and user.is_authenticated:
        record(Action.LOGOUT, actor=user, obj=user)
