"""Every user's own pages: 修改密码 (with the password policy) and API 令牌."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.accounts.models import User
from luoshi.audit.models import Action, AuditEvent
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import PASSWORD, World

pytestmark = pytest.mark.django_db

CHANGE = reverse("accounts:password_change")
TOKEN = reverse("accounts:api_token")
NEW = "Brand-new-pass-2026"


def change(client: Client, old: str, new: str, again: str | None = None) -> str:
    data = {"old_password": old, "new_password1": new, "new_password2": again or new}
    response = client.post(CHANGE, data)
    return "" if response.status_code == 302 else response.content.decode()


def test_user_changes_own_password_and_stays_logged_in(client: Client, world: World) -> None:
    verified_login(client, world.leader_a)
    assert change(client, PASSWORD, NEW) == ""
    user = User.objects.get(pk=world.leader_a.pk)
    assert user.check_password(NEW)
    assert user.password_changed_at is not None
    assert client.get(reverse("accounts:password_change")).status_code == 200
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.detail, event.actor) == (Action.UPDATE, "修改本人密码", user)
    assert "password" not in (event.after or {})


@pytest.mark.parametrize(
    ("new", "message"),
    [("short1A", "密码太短"), ("12345678901234", "只包含数字"), ("password1234", "太常见"), ("leader_a_x1", "太相似")],
)
def test_password_policy_applies_to_own_change(client: Client, world: World, new: str, message: str) -> None:
    verified_login(client, world.leader_a)
    body = change(client, PASSWORD, new)
    assert body, "a weak password must be refused"
    assert message in body
    assert User.objects.get(pk=world.leader_a.pk).check_password(PASSWORD)


def test_wrong_old_password_is_refused(client: Client, world: World) -> None:
    verified_login(client, world.leader_a)
    assert "原密码不正确" in change(client, "Not-my-password-1", NEW)
    assert User.objects.get(pk=world.leader_a.pk).check_password(PASSWORD)


def test_mismatched_new_passwords_are_refused(client: Client, world: World) -> None:
    verified_login(client, world.leader_a)
    assert "两次输入的新密码不一致" in change(client, PASSWORD, NEW, NEW + "x")


def test_user_with_admin_set_password_must_change_it_first(client: Client, world: World) -> None:
    User.objects.filter(pk=world.liaison_a.pk).update(must_change_password=True)
    verified_login(client, world.liaison_a)
    response = client.get(reverse("accounts:no_role"))
    assert response.status_code == 302
    assert response["Location"] == CHANGE
    assert "请先修改密码" in client.get(CHANGE).content.decode()
    assert change(client, PASSWORD, NEW) == ""
    assert client.get(reverse("accounts:no_role")).status_code == 200


def test_token_created_shown_once_and_usable(client: Client, world: World) -> None:
    verified_login(client, world.liaison_a)
    assert "您还没有 API 令牌" in client.get(TOKEN).content.decode()
    response = client.post(TOKEN, {"action": "create"})
    key = Token.objects.get(user=world.liaison_a).key
    assert key in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert key not in client.get(TOKEN).content.decode()
    api = APIClient()
    assert api.get("/api/v1/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/").status_code == 200
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.detail) == (Action.CREATE, "生成 API 令牌")
    assert not AuditEvent.objects.filter(after__icontains=key).exists()
    assert not AuditEvent.objects.filter(object_id=key).exists()


def test_token_rotation_invalidates_the_old_key(client: Client, world: World) -> None:
    verified_login(client, world.liaison_a)
    client.post(TOKEN, {"action": "create"})
    old = Token.objects.get(user=world.liaison_a).key
    client.post(TOKEN, {"action": "rotate"})
    new = Token.objects.get(user=world.liaison_a).key
    assert new != old
    assert not Token.objects.filter(key=old).exists()
    assert AuditEvent.objects.latest("seq").detail == "更换 API 令牌"


def test_token_revocation_is_audited(client: Client, world: World) -> None:
    verified_login(client, world.liaison_a)
    client.post(TOKEN, {"action": "create"})
    client.post(TOKEN, {"action": "revoke"})
    assert not Token.objects.filter(user=world.liaison_a).exists()
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.detail) == (Action.DELETE, "注销 API 令牌")


def test_every_role_reaches_its_own_account_pages(client: Client, world: World) -> None:
    for username in ("secadmin", "auditor", "nobody", "office_city"):
        verified_login(client, world.users[username])
        assert client.get(CHANGE).status_code == 200
        assert client.get(TOKEN).status_code == 200
