"""The demo logins printed when the platform starts (only users flagged as demo accounts)."""

from __future__ import annotations

from django.utils.translation import gettext as _

DEMO_PASSWORD = "Luoshi-demo-2026"  # noqa: S105 (public demo login, printed on start)
DEMO_PREFIX = "demo_"


def demo_accounts_text() -> str:
    from django.contrib.auth import get_user_model

    from luoshi.access.models import RoleAssignment

    rows = (
        RoleAssignment.objects.filter(user__username__startswith=DEMO_PREFIX)
        .select_related("user", "unit")
        .order_by("user__username")
    )
    if not get_user_model().objects.filter(username__startswith=DEMO_PREFIX).exists():
        return ""
    lines = [_("演示账号（密码均为 {demo_password}）：").format(demo_password=DEMO_PASSWORD)]
    lines += [f"  {a.user.username:<22} {a.get_role_display()} · {a.unit.name}" for a in rows]
    return "\n".join(lines)
