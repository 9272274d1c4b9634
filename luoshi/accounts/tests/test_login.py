"""Login page, lockout and its expiry, and the audit of every login, logout and failure."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from luoshi.accounts.models import User
from luoshi.audit.models import Action, AuditEvent
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import PASSWORD, World

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
WRONG = "Wrong-password-123"


def login(client: Client, username: str, password: str) -> int:
    return client.post(LOGIN, {"username": username, "password": password}).status_code


def fail_until_locked(client: Client, username: str) -> None:
    for _ in range(settings.LUOSHI_LOGIN_MAX_FAILURES):
        assert login(client, username, WRONG) == 200


def test_anonymous_visitor_lands_on_the_chinese_login_page(client: Client) -> None:
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    body = response.content.decode()
    assert "落实 · 闭环管理平台" in body
    assert "用户名" in body
    assert "密码" in body
    assert 'lang="zh-hans"' in body


def test_right_password_logs_in_and_is_audited(client: Client, world: World) -> None:
    assert login(client, "liaison_a", PASSWORD) == 302
    event = AuditEvent.objects.filter(action=Action.LOGIN).latest("seq")
    assert event.actor == world.liaison_a
    assert event.actor_name == "liaison_a"
    assert event.request_id
    assert event.ip == "127.0.0.1"


def test_logout_is_audited(client: Client, world: World) -> None:
    verified_login(client, world.leader_a)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.actor_name) == (Action.LOGOUT, "leader_a")


def test_wrong_password_is_audited_and_counted(client: Client, world: World) -> None:
    response = client.post(LOGIN, {"username": "liaison_a", "password": WRONG})
    assert "用户名或密码错误" in response.content.decode()
    event = AuditEvent.objects.latest("seq")
    assert event.action == Action.LOGIN_FAILED
    assert event.actor_name == "liaison_a"
    assert event.object_id == str(world.liaison_a.pk)
    assert "连续第 1 次" in event.detail
    world.liaison_a.refresh_from_db()
    assert world.liaison_a.failed_logins == 1


def test_unknown_username_is_audited_without_the_password(client: Client, world: World) -> None:
    secret = "Secret-guess-98765"
    assert login(client, "ghost", secret) == 200
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.actor_name, event.detail) == (Action.LOGIN_FAILED, "ghost", "用户名不存在")
    assert event.actor is None
    for row in AuditEvent.objects.values_list(
        "actor_name", "object_repr", "detail", "before", "after", "request_id", "object_id"
    ):
        assert secret not in str(row)


def test_lockout_after_max_failures_even_with_the_right_password(client: Client, world: World) -> None:
    fail_until_locked(client, "liaison_a")
    user = User.objects.get(username="liaison_a")
    assert user.is_locked
    response = client.post(LOGIN, {"username": "liaison_a", "password": PASSWORD})
    assert response.status_code == 200
    page = response.content.decode()
    assert "用户名或密码错误" in page
    assert "账号已锁定" not in page
    assert "_auth_user_id" not in client.session
    last = AuditEvent.objects.latest("seq")
    assert (last.action, last.detail) == (Action.LOGIN_FAILED, "账号锁定期间尝试登录")
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor=user).count() == 0


def test_locked_account_cannot_get_an_api_token_either(client: Client, world: World) -> None:
    fail_until_locked(client, "liaison_a")
    response = APIClient().post(reverse("api-token"), {"username": "liaison_a", "password": PASSWORD})
    assert response.status_code == 400
    assert "token" not in response.json()


def test_attempts_during_a_lock_do_not_extend_it(client: Client, world: World) -> None:
    fail_until_locked(client, "liaison_a")
    until = User.objects.get(username="liaison_a").locked_until
    login(client, "liaison_a", WRONG)
    assert User.objects.get(username="liaison_a").locked_until == until


def test_lock_expires(client: Client, world: World) -> None:
    fail_until_locked(client, "liaison_a")
    later = timezone.now() + timedelta(minutes=settings.LUOSHI_LOGIN_LOCK_MINUTES, seconds=5)
    with time_machine.travel(later, tick=False):
        assert login(client, "liaison_a", PASSWORD) == 302
    user = User.objects.get(username="liaison_a")
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_after_expiry_one_more_failure_does_not_relock(client: Client, world: World) -> None:
    fail_until_locked(client, "liaison_a")
    later = timezone.now() + timedelta(minutes=settings.LUOSHI_LOGIN_LOCK_MINUTES, seconds=5)
    with time_machine.travel(later, tick=False):
        login(client, "liaison_a", WRONG)
        user = User.objects.get(username="liaison_a")
        assert not user.is_locked
        assert user.failed_logins == 1


def test_still_locked_just_before_expiry(client: Client, world: World) -> None:
    fail_until_locked(client, "liaison_a")
    almost = timezone.now() + timedelta(minutes=settings.LUOSHI_LOGIN_LOCK_MINUTES) - timedelta(seconds=30)
    with time_machine.travel(almost, tick=False):
        assert login(client, "liaison_a", PASSWORD) == 200


def test_success_resets_the_failure_count(client: Client, world: World) -> None:
    for _ in range(settings.LUOSHI_LOGIN_MAX_FAILURES - 1):
        login(client, "liaison_a", WRONG)
    assert login(client, "liaison_a", PASSWORD) == 302
    assert User.objects.get(username="liaison_a").failed_logins == 0


def test_deactivated_account_cannot_log_in(client: Client, world: World) -> None:
    User.objects.filter(username="liaison_a").update(is_active=False)
    assert login(client, "liaison_a", PASSWORD) == 200
    assert AuditEvent.objects.latest("seq").detail == "账号已停用"
