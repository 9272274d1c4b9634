"""The security admin's pages: who may use them, scope, 三权分立, and the audit of every change."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.accounts import services
from luoshi.accounts.models import User
from luoshi.audit.models import Action, AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import PASSWORD, World, make_user

pytestmark = pytest.mark.django_db

USERS = reverse("accounts:users")
NEW_PASSWORD = "Initial-pass-2026"


@pytest.fixture
def secadmin_a(world: World) -> Any:
    """A security admin of 东城区 only."""
    return make_user("secadmin_a", Role.SECURITY_ADMIN, world.district_a, "东城安全管理员")


def as_user(client: Client, user: Any) -> Client:
    verified_login(client, user)
    return client


def audit_count() -> int:
    return AuditEvent.objects.count()


def assignments_of(user: Any) -> set[tuple[str, str]]:
    return set(RoleAssignment.objects.filter(user=user).values_list("role", "unit__code"))


def create_form(**overrides: str) -> dict[str, str]:
    data = {
        "username": "zhang_san",
        "display_name": "张三",
        "title": "科员",
        "unit": "S001",
        "email": "",
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


# --- who may use the pages ------------------------------------------------------------------------


def test_secadmin_sees_the_user_list_with_search(client: Client, world: World) -> None:
    as_user(client, world.secadmin)
    body = client.get(USERS).content.decode()
    assert "账号管理" in body
    assert "liaison_b" in body
    assert "nobody" in body
    body = client.get(USERS, {"q": "东城联络员"}).content.decode()
    assert "liaison_a" in body
    assert "liaison_b" not in body
    body = client.get(USERS, {"role": Role.AUDITOR}).content.decode()
    assert "auditor" in body
    assert "liaison_a" not in body


@pytest.mark.parametrize("username", ["office_city", "liaison_a", "auditor", "nobody", "supervisor_a"])
def test_other_roles_cannot_manage_users(client: Client, world: World, username: str) -> None:
    as_user(client, world.users[username])
    assert client.get(USERS).status_code == 403
    assert client.get(reverse("accounts:user_detail", args=[world.liaison_a.pk])).status_code == 403
    before = audit_count()
    response = client.post(reverse("accounts:user_create"), create_form())
    assert response.status_code == 403
    assert not User.objects.filter(username="zhang_san").exists()
    assert audit_count() == before


def test_secadmin_sees_no_campaign_data_and_no_audit_log(client: Client, world: World) -> None:
    as_user(client, world.secadmin)
    assert client.get(reverse("audit:list")).status_code == 403
    home = client.get(reverse("home")).content.decode()  # 我的待办: the account list's to-do items
    assert f'href="{USERS}?status=locked"' in home
    for url in ("/problems/", reverse("problems:dashboard")):
        assert client.get(url).status_code in {302, 403, 404}


def test_viewing_an_account_is_audited(client: Client, world: World) -> None:
    as_user(client, world.secadmin)
    assert client.get(reverse("accounts:user_detail", args=[world.liaison_a.pk])).status_code == 200
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.actor, event.object_id) == (
        Action.VIEW_PERSONAL,
        world.secadmin,
        str(world.liaison_a.pk),
    )


def test_anonymous_is_sent_to_login(client: Client, world: World) -> None:
    response = client.get(USERS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- creating and editing accounts ----------------------------------------------------------------


def test_secadmin_creates_a_user(client: Client, world: World) -> None:
    as_user(client, world.secadmin)
    response = client.post(reverse("accounts:user_create"), create_form())
    user = User.objects.get(username="zhang_san")
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert (user.display_name, user.title, user.unit) == ("张三", "科员", world.street_a)
    assert user.check_password(NEW_PASSWORD)
    assert user.must_change_password
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.actor, event.object_id) == (Action.CREATE, world.secadmin, str(user.pk))
    assert (event.after or {})["username"] == "zhang_san"
    assert "password" not in (event.after or {})
    assert NEW_PASSWORD not in str(event.after)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"new_password1": "abc12345", "new_password2": "abc12345"}, "密码太短"),
        ({"new_password1": "zhang_san_2026", "new_password2": "zhang_san_2026"}, "太相似"),
        ({"new_password2": "Different-pass-2026"}, "不一致"),
        ({"username": "liaison_a"}, "已被使用"),
        ({"unit": "NOPE"}, "找不到该单位"),
    ],
)
def test_create_user_refuses_bad_input(client: Client, world: World, overrides: dict[str, str], message: str) -> None:
    as_user(client, world.secadmin)
    before = (User.objects.count(), audit_count())
    response = client.post(reverse("accounts:user_create"), create_form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (User.objects.count(), audit_count()) == before


def test_district_secadmin_cannot_create_users_outside_their_district(
    client: Client, world: World, secadmin_a: Any
) -> None:
    as_user(client, secadmin_a)
    response = client.post(reverse("accounts:user_create"), create_form(unit="D002"))
    assert "不在您的管理范围内" in response.content.decode()
    assert not User.objects.filter(username="zhang_san").exists()
    with pytest.raises(NotAllowed):
        services.create_user(secadmin_a, username="li_si", password=NEW_PASSWORD, unit=world.district_b)
    assert not User.objects.filter(username="li_si").exists()


def test_secadmin_edits_a_user(client: Client, world: World) -> None:
    as_user(client, world.secadmin)
    url = reverse("accounts:user_edit", args=[world.liaison_a.pk])
    response = client.post(url, {"display_name": "王五", "title": "副科长", "unit": "D001", "email": "w@example.cn"})
    assert response.status_code == 302
    user = User.objects.get(pk=world.liaison_a.pk)
    assert (user.display_name, user.title, user.unit, user.email) == (
        "王五",
        "副科长",
        world.district_a,
        "w@example.cn",
    )
    event = AuditEvent.objects.latest("seq")
    assert event.action == Action.UPDATE
    assert event.detail == "修改账号信息"
    assert (event.before or {})["display_name"] == "东城联络员"
    assert (event.after or {})["display_name"] == "王五"


def test_deactivate_and_reactivate(client: Client, world: World) -> None:
    as_user(client, world.secadmin)
    url = reverse("accounts:user_set_active", args=[world.liaison_a.pk])
    client.post(url, {"active": "0"})
    assert not User.objects.get(pk=world.liaison_a.pk).is_active
    assert AuditEvent.objects.latest("seq").detail == "停用账号"
    assert Client().post(reverse("accounts:login"), {"username": "liaison_a", "password": PASSWORD}).status_code == 200
    client.post(url, {"active": "1"})
    assert User.objects.get(pk=world.liaison_a.pk).is_active
    event = AuditEvent.objects.latest("seq")
    assert (event.detail, event.before, event.after) == ("启用账号", {"is_active": False}, {"is_active": True})


def test_reset_password_unlocks_and_revokes_the_token(client: Client, world: World) -> None:
    user = world.liaison_a
    Token.objects.create(user=user)
    for _ in range(5):
        services.note_failed_login("liaison_a")
    assert User.objects.get(pk=user.pk).is_locked
    assert not Token.objects.filter(user=user).exists()  # locking revokes it
    assert AuditEvent.objects.filter(detail="登录失败次数过多锁定账号时注销 API 令牌").exists()
    Token.objects.create(user=user)
    as_user(client, world.secadmin)
    url = reverse("accounts:user_reset_password", args=[user.pk])
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    fresh = User.objects.get(pk=user.pk)
    assert fresh.check_password(NEW_PASSWORD)
    assert fresh.must_change_password
    assert not fresh.is_locked
    assert not Token.objects.filter(user=user).exists()
    details = list(AuditEvent.objects.order_by("-seq").values_list("detail", flat=True)[:2])
    assert details == ["重置密码时注销 API 令牌", "重置密码"]


def test_reset_password_applies_the_policy(client: Client, world: World) -> None:
    as_user(client, world.secadmin)
    url = reverse("accounts:user_reset_password", args=[world.liaison_a.pk])
    response = client.post(url, {"new_password1": "1234567890", "new_password2": "1234567890"})
    assert "只包含数字" in response.content.decode()
    assert User.objects.get(pk=world.liaison_a.pk).check_password(PASSWORD)


def test_unlock(client: Client, world: World) -> None:
    for _ in range(5):
        services.note_failed_login("leader_b")
    as_user(client, world.secadmin)
    client.post(reverse("accounts:user_unlock", args=[world.leader_b.pk]))
    assert not User.objects.get(pk=world.leader_b.pk).is_locked
    assert AuditEvent.objects.latest("seq").detail == "解除锁定"
    response = Client().post(reverse("accounts:login"), {"username": "leader_b", "password": PASSWORD})
    assert response.status_code == 302


def test_secadmin_cannot_manage_own_account(client: Client, world: World) -> None:
    as_user(client, world.secadmin)
    before = audit_count()
    client.post(reverse("accounts:user_set_active", args=[world.secadmin.pk]), {"active": "0"})
    assert User.objects.get(pk=world.secadmin.pk).is_active
    assert audit_count() == before
    with pytest.raises(NotAllowed):
        services.reset_password(world.secadmin, world.secadmin, NEW_PASSWORD)


# --- scope ----------------------------------------------------------------------------------------


def test_district_secadmin_sees_only_accounts_of_their_district(client: Client, world: World, secadmin_a: Any) -> None:
    as_user(client, secadmin_a)
    body = client.get(USERS).content.decode()
    assert "liaison_a" in body
    assert "liaison_b" not in body
    assert "nobody" not in body
    assert client.get(reverse("accounts:user_detail", args=[world.liaison_b.pk])).status_code == 404
    response = client.post(reverse("accounts:user_set_active", args=[world.liaison_b.pk]), {"active": "0"})
    assert response.status_code == 404
    assert User.objects.get(pk=world.liaison_b.pk).is_active


def test_district_secadmin_cannot_take_over_an_account_that_also_works_at_city_level(
    client: Client, world: World, secadmin_a: Any
) -> None:
    services.assign_role(world.secadmin, world.leader_a, Role.OFFICE, world.city)
    as_user(client, secadmin_a)
    assert client.get(reverse("accounts:user_detail", args=[world.leader_a.pk])).status_code == 200
    before = audit_count()
    url = reverse("accounts:user_reset_password", args=[world.leader_a.pk])
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert "上级安全管理员" in response.content.decode()
    assert User.objects.get(pk=world.leader_a.pk).check_password(PASSWORD)
    assert audit_count() == before


def test_unit_search_offers_only_units_in_scope(client: Client, world: World, secadmin_a: Any) -> None:
    as_user(client, secadmin_a)
    body = client.get(reverse("accounts:unit_search"), {"unit": "城"}).content.decode()
    assert "D001" in body
    assert "S001" in body
    assert "D002" not in body
    assert "C000" not in body


# --- role assignments -----------------------------------------------------------------------------


def assign(client: Client, user: Any, role: str, unit: str) -> None:
    client.post(reverse("accounts:role_assign", args=[user.pk]), {"role": role, "unit": unit})


def test_secadmin_assigns_and_revokes_a_role(client: Client, world: World) -> None:
    as_user(client, world.secadmin)
    assign(client, world.nobody, Role.LIAISON, "S001")
    assert assignments_of(world.nobody) == {(Role.LIAISON, "S001")}
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.detail, event.object_type) == (Action.CREATE, "授予角色", "access.roleassignment")
    assert (event.after or {})["role"] == Role.LIAISON
    assignment = RoleAssignment.objects.get(user=world.nobody)
    client.post(reverse("accounts:role_revoke", args=[world.nobody.pk, assignment.pk]))
    assert assignments_of(world.nobody) == set()
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.detail, (event.before or {})["role"]) == (Action.DELETE, "撤销角色", Role.LIAISON)


def test_role_outside_own_scope_is_refused_and_nothing_changes(client: Client, world: World, secadmin_a: Any) -> None:
    as_user(client, secadmin_a)
    before = (assignments_of(world.liaison_a), audit_count())
    assign(client, world.liaison_a, Role.OFFICE, "D002")
    assign(client, world.liaison_a, Role.OFFICE, "C000")
    assert (assignments_of(world.liaison_a), audit_count()) == before
    with pytest.raises(NotAllowed):
        services.assign_role(secadmin_a, world.liaison_a, Role.OFFICE, world.district_b)
    assert (assignments_of(world.liaison_a), audit_count()) == before


def test_revoking_a_role_outside_own_scope_is_refused(client: Client, world: World, secadmin_a: Any) -> None:
    services.assign_role(world.secadmin, world.leader_a, Role.LEADER, world.district_b)
    outside = RoleAssignment.objects.get(user=world.leader_a, unit=world.district_b)
    as_user(client, secadmin_a)
    before = audit_count()
    client.post(reverse("accounts:role_revoke", args=[world.leader_a.pk, outside.pk]))
    assert RoleAssignment.objects.filter(pk=outside.pk).exists()
    assert audit_count() == before


def test_nobody_grants_themselves_a_role(client: Client, world: World) -> None:
    as_user(client, world.secadmin)
    before = (assignments_of(world.secadmin), audit_count())
    assign(client, world.secadmin, Role.AUDITOR, "C000")
    assign(client, world.secadmin, Role.SECURITY_ADMIN, "D001")
    assert (assignments_of(world.secadmin), audit_count()) == before
    mine = RoleAssignment.objects.get(user=world.secadmin)
    with pytest.raises(NotAllowed):
        services.revoke_role(world.secadmin, mine)
    assert RoleAssignment.objects.filter(pk=mine.pk).exists()


@pytest.mark.parametrize(
    ("username", "role", "unit"),
    [
        ("auditor", Role.SECURITY_ADMIN, "city"),
        ("auditor", Role.OFFICE, "city"),
        ("office_city", Role.AUDITOR, "city"),
        ("liaison_a", Role.SECURITY_ADMIN, "district_a"),
    ],
)
def test_separation_of_duties(world: World, username: str, role: str, unit: str) -> None:
    user = world.users[username]
    before = assignments_of(user)
    with pytest.raises(RuleViolation, match="三权分立"):
        services.assign_role(world.secadmin, user, role, getattr(world, unit))
    assert assignments_of(user) == before


def test_campaign_roles_combine(world: World) -> None:
    services.assign_role(world.secadmin, world.liaison_a, Role.LEADER, world.street_a)
    assert assignments_of(world.liaison_a) == {(Role.LIAISON, "D001"), (Role.LEADER, "S001")}


def test_auditor_role_only_on_a_top_level_unit(world: World) -> None:
    with pytest.raises(RuleViolation, match="顶级单位"):
        services.assign_role(world.secadmin, world.nobody, Role.AUDITOR, world.district_a)
    services.assign_role(world.secadmin, world.nobody, Role.AUDITOR, world.city)
    assert assignments_of(world.nobody) == {(Role.AUDITOR, "C000")}


def test_duplicate_role_is_refused(world: World) -> None:
    with pytest.raises(RuleViolation, match="已在此单位担任该角色"):
        services.assign_role(world.secadmin, world.liaison_a, Role.LIAISON, world.district_a)


def test_new_role_takes_effect_for_the_user(client: Client, world: World) -> None:
    as_user(client, world.nobody)
    assert client.get(reverse("home"))["Location"] == reverse("accounts:no_role")
    services.assign_role(world.secadmin, world.nobody, Role.SECURITY_ADMIN, world.district_b)
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:two_factor"))  # an admin role
    as_user(client, world.nobody)
    assert 'data-role="security_admin"' in client.get(reverse("home")).content.decode()
