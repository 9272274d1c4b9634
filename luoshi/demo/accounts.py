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
    return "\n".join(lines + _two_factor_lines())


def _two_factor_lines() -> list[str]:
    """How the demo administrators pass two-factor login: only where the demo builder enrolled them."""
    from luoshi.accounts.twofactor import demo_accounts, demo_secret

    names = demo_accounts()
    if not names:
        return []
    return [
        _("{names} 还须双因素认证：登录后的验证码页面显示当前验证码（仅演示实例）；").format(names="、".join(names)),
        _("  也可在身份验证器应用中手动添加演示密钥 {secret}。").format(secret=demo_secret()),
    ]
