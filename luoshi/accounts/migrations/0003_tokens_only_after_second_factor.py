"""API tokens of accounts that now need two-factor login were issued with a password alone: they go, and the
holders get a new one with a code (``POST /api/v1/token/`` with ``otp``, or the API 令牌 page)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

ALWAYS = ("security_admin", "auditor")


def revoke_tokens(apps: Any, schema_editor: Any) -> None:
    Token = apps.get_model("authtoken", "Token")
    RoleAssignment = apps.get_model("access", "RoleAssignment")
    held = RoleAssignment.objects.values_list("user_id", "role", "unit__path")
    needing = {user for user, role, path in held if role in ALWAYS or (role == "office" and path.count(".") == 1)}
    Token.objects.filter(user_id__in=needing).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_home_unit_and_password_change"),
        ("access", "0003_demand_roles"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(revoke_tokens, migrations.RunPython.noop)]
