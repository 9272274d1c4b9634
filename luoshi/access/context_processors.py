from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from luoshi.access import scope
from luoshi.access.roles import Perm


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Which menu entries the user sees, computed once here rather than in templates."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav": {
            "campaign_data": scope.has_perm_anywhere(user, Perm.VIEW),
            "manage_orgs": scope.has_perm_anywhere(user, Perm.MANAGE_ORGS),
            "manage_users": scope.has_perm_anywhere(user, Perm.MANAGE_USERS),
            "audit": scope.has_perm_anywhere(user, Perm.READ_AUDIT),
            "import": scope.has_perm_anywhere(user, Perm.IMPORT),
            "demands": scope.has_perm_anywhere(user, Perm.VIEW_DEMANDS),
            "speaker": scope.has_perm_anywhere(user, Perm.ACCEPT_LECTURE),
        }
    }
