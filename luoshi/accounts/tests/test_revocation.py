"""A password change due blocks the API as well as the pages; changing one's password, a lock or a deactivation
ends every token and session of the account; login counts hold exactly under concurrent attempts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.accounts import services
from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.testing.concurrency import SharedDatabase
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import PASSWORD, World, build_world

LOGIN = reverse("accounts:login")
API_TOKEN = "/api/v1/token/"
ME = "/api/v1/units/"
NEW = "Brand-new-pass-2026"


def api_status(key: str) -> int:
    return APIClient().get(ME, HTTP_AUTHORIZATION=f"Token {key}").status_code


@pytest.mark.django_db
@pytest.mark.parametrize("due", ["forced", "expired"])
def test_a_password_change_due_blocks_the_token_the_api_and_the_pages(client: Client, world: World, due: str) -> None:
    user = world.leader_a
    key = Token.objects.create(user=user).key
    assert api_status(key) == 200
    if due == "forced":
        User.objects.filter(pk=user.pk).update(must_change_password=True)
    else:
        User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    assert services.password_change_due(User.objects.get(pk=user.pk))
    refused = APIClient().get(ME, HTTP_AUTHORIZATION=f"Token {key}")
    assert (refused.status_code, refused.json()["code"]) == (403, "password_change_required")
    asked = APIClient().post(API_TOKEN, {"username": "leader_a", "password": PASSWORD})
    assert (asked.status_code, asked.json()["code"]) == (403, "password_change_required")
    verified_login(client, user)
    assert client.get(ME).status_code == 403
    assert client.get(reverse("home"))["Location"] == reverse("accounts:password_change")


@pytest.mark.django_db
def test_require_current_password_lets_a_current_account_through(world: World) -> None:
    services.require_current_password(world.leader_a)
    User.objects.filter(pk=world.leader_a.pk).update(must_change_password=True)
    with pytest.raises(services.PasswordChangeRequired):
        services.require_current_password(User.objects.get(pk=world.leader_a.pk))


@pytest.mark.django_db
def test_changing_ones_password_ends_every_token_and_other_session(world: World) -> None:
    user = world.leader_a
    key = Token.objects.create(user=user).key
    here, elsewhere = Client(), Client()
    verified_login(here, user)
    verified_login(elsewhere, user)
    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home"))["Location"].startswith(LOGIN)
    assert api_status(key) == 401
    details = set(AuditEvent.objects.values_list("detail", flat=True))
    assert {"修改本人密码时注销 API 令牌", "修改本人密码时结束登录会话 1 个"} <= details


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["deactivated", "locked"])
def test_a_deactivated_or_locked_account_loses_its_tokens_and_sessions(world: World, how: str) -> None:
    user = world.liaison_a
    key = Token.objects.create(user=user).key
    session = Client()
    verified_login(session, user)
    if how == "deactivated":
        services.set_active(world.secadmin, user, False)
    else:
        for _ in range(5):
            services.note_failed_login("liaison_a")
    assert api_status(key) == 401
    assert session.get(reverse("home"))["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_revoke_access_keeps_only_the_named_session(world: World) -> None:
    user = world.leader_a
    kept, ended = Client(), Client()
    verified_login(kept, user)
    verified_login(ended, user)
    services.revoke_access(user, world.secadmin, "测试", keep_session=kept.session.session_key or "")
    assert kept.get(reverse("home")).status_code == 200
    assert ended.get(reverse("home"))["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_an_attempt_counts_before_its_password_is_checked(world: World) -> None:
    attempt = services.begin_password_check(None, "liaison_a")
    assert attempt.allowed
    assert User.objects.get(username="liaison_a").failed_logins == 1
    services.finish_password_check(attempt, right=True)
    assert User.objects.get(username="liaison_a").failed_logins == 0
    assert not services.begin_password_check(None, "ghost").allowed
    services.note_failed_login("liaison_a")
    services.clear_failures(world.liaison_a)
    assert (User.objects.get(username="liaison_a").failed_logins, services.is_locked("liaison_a")) == (0, False)


def _post_login(username: str, password: str, address: str) -> str:
    page = Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)
    if page.status_code == 302:
        return "in"
    text = page.content.decode()
    return "throttled" if "已暂停登录" in text else "refused" if "用户名或密码错误" in text else text


@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_from_one_address_pass_exactly_its_limit(settings: Any) -> None:
    build_world()
    limit = settings.LUOSHI_LOGIN_ADDRESS_MAX_FAILURES
    answers = SharedDatabase().run(lambda i: _post_login(f"ghost{i}", "wrong", "10.9.9.9"), 2 * limit)
    assert (answers.count("refused"), answers.count("throttled")) == (limit, limit)


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_passwords_check_exactly_the_allowed_attempts(settings: Any) -> None:
    build_world()
    shared = SharedDatabase()
    answers = shared.run(lambda i: _post_login("liaison_a", "wrong", f"10.8.{i}.1"), 40)
    assert answers.count("refused") == 40
    user = shared.read(lambda: User.objects.get(username="liaison_a"))
    assert (user.failed_logins, user.is_locked) == (settings.LUOSHI_LOGIN_MAX_FAILURES, True)
    checked = shared.read(lambda: AuditEvent.objects.filter(detail__startswith="密码错误（连续第").count())
    assert checked == settings.LUOSHI_LOGIN_MAX_FAILURES


@pytest.mark.django_db
def test_gaining_a_role_that_needs_two_factor_login_revokes_the_token(world: World) -> None:
    from luoshi.access.roles import Role

    key = Token.objects.create(user=world.nobody).key
    services.assign_role(world.secadmin, world.nobody, Role.LIAISON, world.district_b)
    assert api_status(key) == 200  # a role without the second factor keeps it
    services.assign_role(world.secadmin, world.nobody, Role.OFFICE, world.city)  # the office of a top-level unit
    assert not Token.objects.filter(user=world.nobody).exists()
    assert AuditEvent.objects.filter(detail="授予须双因素认证的角色时注销 API 令牌").count() == 1


@pytest.mark.django_db
def test_the_upgrade_revokes_tokens_issued_before_two_factor_login(world: World) -> None:
    from importlib import import_module

    from django.apps import apps

    upgrade = import_module("luoshi.accounts.migrations.0003_tokens_only_after_second_factor")
    for user in (world.secadmin, world.auditor, world.office_city, world.office_a, world.liaison_a):
        Token.objects.create(user=user)
    upgrade.revoke_tokens(apps, None)
    kept = set(Token.objects.values_list("user__username", flat=True))
    assert kept == {world.office_a.username, world.liaison_a.username}
