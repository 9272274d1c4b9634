"""``luoshi create_admin``: bootstrapping the first security admin and auditor."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db

GOOD = "Bootstrap-pass-2026"


def test_creates_a_security_admin_from_a_password_file(world: World, tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text(GOOD + "\n", encoding="utf-8")
    call_command("create_admin", "root_admin", unit="C000", role="security_admin", password_file=secret)
    user = User.objects.get(username="root_admin")
    assert user.check_password(GOOD)
    assert set(RoleAssignment.objects.filter(user=user).values_list("role", "unit__code")) == {
        (Role.SECURITY_ADMIN, "C000")
    }
    details = list(AuditEvent.objects.order_by("-seq").values_list("detail", "actor_name")[:2])
    assert [d for d, _ in details] == ["命令行授予角色", "命令行新建账号"]
    assert all(name.startswith("命令行:") for _, name in details)


def test_takes_the_password_from_the_environment(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUOSHI_ADMIN_PASSWORD", GOOD)
    call_command("create_admin", "root_auditor", unit="C000", role="auditor")
    assert User.objects.get(username="root_auditor").check_password(GOOD)


def test_weak_password_is_refused(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUOSHI_ADMIN_PASSWORD", "12345")
    with pytest.raises(CommandError, match="密码太短"):
        call_command("create_admin", "root_admin", unit="C000")
    assert not User.objects.filter(username="root_admin").exists()


def test_without_a_password_and_no_terminal_it_stops(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LUOSHI_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="password-file"):
        call_command("create_admin", "root_admin", unit="C000")
    assert not User.objects.filter(username="root_admin").exists()


def test_unknown_unit_is_refused(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUOSHI_ADMIN_PASSWORD", GOOD)
    with pytest.raises(CommandError, match="X999"):
        call_command("create_admin", "root_admin", unit="X999")


def test_separation_applies_to_existing_accounts(world: World) -> None:
    with pytest.raises(CommandError, match="三权分立"):
        call_command("create_admin", "office_city", unit="C000", role="security_admin")
    assert not RoleAssignment.objects.filter(user=world.office_city, role=Role.SECURITY_ADMIN).exists()


def test_existing_account_gets_the_role_and_keeps_its_password(world: World) -> None:
    call_command("create_admin", "nobody", unit="D002", role="security_admin")
    assert RoleAssignment.objects.filter(user=world.nobody, role=Role.SECURITY_ADMIN, unit=world.district_b).exists()
