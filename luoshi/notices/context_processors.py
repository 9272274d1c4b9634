from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from luoshi.accounts.models import User
from luoshi.notices.services import UNREAD_LIMIT, unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """The header's unread count: one bounded COUNT, only for signed-in users."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    count = unread_count(user)
    return {"notices_unread": count, "notices_unread_label": f"{UNREAD_LIMIT}+" if count > UNREAD_LIMIT else count}
