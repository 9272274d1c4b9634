"""Account services called directly: login bookkeeping, own password, API tokens, and the security admin's scope."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework.authtoken.models import Token

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.accounts import services
from luoshi.accounts.models import User
from luoshi.audit.models import Action, AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.orgs.models import Unit
from luoshi.testing.world import PASSWORD, World, make_user

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Fresh-passphrase-2026!"


def last_event() -> AuditEvent:
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    return event


def district_b_admin(world: World) -> Any:
    return make_user("secadmin_b", Role.SECURITY_ADMIN, world.district_b, "西城安全管理员")


def test_is_locked_only_while_the_lock_lasts(world: World) -> None:
    assert not services.is_locked("liaison_a")
    assert not services.is_locked("no-such-user")
    User.objects.filter(pk=world.liaison_a.pk).update(locked_until=timezone.now() + timedelta(minutes=5))
    assert services.is_locked("liaison_a")
    User.objects.filter(pk=world.liaison_a.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert not services.is_locked("liaison_a")


def test_note_login_clears_the_failure_count_and_is_audited(world: World) -> None:
    services.note_failed_login("liaison_a")
    services.note_failed_login("liaison_a")
    assert User.objects.get(pk=world.liaison_a.pk).failed_logins == 2
    services.note_login(world.liaison_a)
    assert User.objects.get(pk=world.liaison_a.pk).failed_logins == 0
    event = last_event()
    assert (event.action, event.actor_id) == (Action.LOGIN, world.liaison_a.pk)


def test_note_logout_is_audited_for_a_signed_in_user_only(world: World) -> None:
    services.note_logout(world.leader_a)
    event = last_event()
    assert (event.action, event.actor_id) == (Action.LOGOUT, world.leader_a.pk)
    services.note_logout(None)
    services.note_logout(AnonymousUser())
    assert last_event().seq == event.seq


def test_password_problems_are_what_the_policy_says(world: World) -> None:
    assert services.password_problems(NEW_PASSWORD, world.liaison_a) == []
    assert len(services.password_problems("12345", world.liaison_a)) >= 2  # too short, and numbers only


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("not-the-password", NEW_PASSWORD, "wrong_password"),
        (PASSWORD, PASSWORD, "same_password"),
        (PASSWORD, "1234", "weak_password"),
    ],
)
def test_change_own_password_refuses_a_bad_change(world: World, old: str, new: str, code: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        services.change_own_password(world.liaison_a, old, new)
    assert refused.value.code == code
    assert User.objects.get(pk=world.liaison_a.pk).check_password(PASSWORD)


def test_change_own_password_clears_a_forced_change_and_keeps_the_hash_out_of_the_log(world: World) -> None:
    User.objects.filter(pk=world.liaison_a.pk).update(must_change_password=True)
    fresh = services.change_own_password(User.objects.get(pk=world.liaison_a.pk), PASSWORD, NEW_PASSWORD)
    assert fresh.check_password(NEW_PASSWORD)
    assert not fresh.must_change_password
    event = last_event()
    assert (event.action, event.actor_id) == (Action.UPDATE, world.liaison_a.pk)
    assert "password" not in (event.after or {})
    assert fresh.password not in json.dumps([event.before, event.after])


def test_a_token_is_issued_rotated_and_revoked_and_its_key_never_logged(world: World) -> None:
    user = world.leader_a
    assert services.token_created_at(user) is None
    first = services.issue_token(user)
    assert Token.objects.get(user=user).key == first
    assert services.token_created_at(user) is not None
    assert last_event().action == Action.CREATE
    second = services.issue_token(user)
    assert second != first
    assert list(Token.objects.filter(user=user).values_list("key", flat=True)) == [second]
    assert last_event().action == Action.UPDATE
    assert services.revoke_token(user) is True
    assert not Token.objects.filter(user=user).exists()
    assert last_event().action == Action.DELETE
    assert services.revoke_token(user) is False
    logged = json.dumps([[e.before, e.after, e.detail] for e in AuditEvent.objects.all()], default=str)
    assert first not in logged
    assert second not in logged


def test_manageable_units_and_visible_users_follow_the_admins_scope(world: World) -> None:
    admin_b = district_b_admin(world)
    assert list(services.manageable_units(admin_b)) == [world.district_b]
    assert set(services.manageable_units(world.secadmin)) == set(Unit.objects.all())
    seen_by_b = set(services.visible_users(admin_b).values_list("username", flat=True))
    assert {"liaison_b", "leader_b", "office_b"} <= seen_by_b
    assert not seen_by_b & {"liaison_a", "office_city", "auditor", "nobody"}
    assert "nobody" in set(services.visible_users(world.secadmin).values_list("username", flat=True))
    assert not services.visible_users(world.office_city).exists()


def test_an_account_is_managed_only_by_an_admin_covering_all_its_units(world: World) -> None:
    admin_b = district_b_admin(world)
    assert services.can_manage_account(admin_b, world.liaison_b)
    assert not services.can_manage_account(admin_b, world.liaison_a)
    assert services.can_manage_account(world.secadmin, world.liaison_a)
    assert not services.can_manage_account(world.secadmin, world.secadmin)
    assert not services.can_manage_account(world.office_city, world.liaison_a)
    RoleAssignment.objects.create(user=world.liaison_b, role=Role.LEADER, unit=world.district_a)
    assert not services.can_manage_account(admin_b, world.liaison_b)
    assert services.can_manage_account(world.secadmin, world.liaison_b)


def test_update_user_changes_only_editable_fields_within_scope(world: World) -> None:
    admin_b = district_b_admin(world)
    updated = services.update_user(world.secadmin, world.liaison_a, display_name="东城联络员（新）", title="科员")
    assert (updated.display_name, updated.title) == ("东城联络员（新）", "科员")
    event = last_event()
    assert event.action == Action.UPDATE
    assert (event.after or {})["title"] == "科员"
    with pytest.raises(RuleViolation):
        services.update_user(world.secadmin, world.liaison_a, username="renamed")
    with pytest.raises(NotAllowed):
        services.update_user(admin_b, world.liaison_a, title="越权")
    with pytest.raises(NotAllowed):
        services.update_user(admin_b, world.liaison_b, unit=world.district_a)
    fresh = User.objects.get(pk=world.liaison_a.pk)
    assert (fresh.username, fresh.title) == ("liaison_a", "科员")
    assert User.objects.get(pk=world.liaison_b.pk).unit_id is None


def test_set_active_deactivates_and_reactivates_but_never_oneself(world: World) -> None:
    assert not services.set_active(world.secadmin, world.leader_b, False).is_active
    with pytest.raises(RuleViolation):
        services.set_active(world.secadmin, world.leader_b, False)
    assert services.set_active(world.secadmin, world.leader_b, True).is_active
    with pytest.raises(NotAllowed):
        services.set_active(world.secadmin, world.secadmin, False)
    assert User.objects.get(pk=world.secadmin.pk).is_active


def test_unlock_lifts_a_lockout_before_it_expires(world: World) -> None:
    for _ in range(settings.LUOSHI_LOGIN_MAX_FAILURES):
        services.note_failed_login("liaison_a")
    assert services.is_locked("liaison_a")
    services.unlock(world.secadmin, world.liaison_a)
    assert not services.is_locked("liaison_a")
    assert User.objects.get(pk=world.liaison_a.pk).failed_logins == 0
    assert (last_event().action, last_event().actor_id) == (Action.UPDATE, world.secadmin.pk)


def test_bootstrap_account_creates_grants_and_keeps_the_separation(world: World) -> None:
    user = services.bootstrap_account("ops_admin", world.city, Role.SECURITY_ADMIN, NEW_PASSWORD, operator="root")
    assert user.check_password(NEW_PASSWORD)
    assert not user.must_change_password
    assert set(RoleAssignment.objects.filter(user=user).values_list("role", "unit")) == {
        (Role.SECURITY_ADMIN, world.city.pk)
    }
    assert set(AuditEvent.objects.filter(actor_name="root").values_list("action", flat=True)) == {Action.CREATE}
    services.bootstrap_account("ops_admin", world.district_a, Role.SECURITY_ADMIN, None, operator="root")
    assert RoleAssignment.objects.filter(user=user).count() == 2
    with pytest.raises(RuleViolation) as mixed:
        services.bootstrap_account("ops_admin", world.city, Role.AUDITOR, None, operator="root")
    assert mixed.value.code == "separation"
    with pytest.raises(RuleViolation):
        services.bootstrap_account("new_admin", world.city, Role.SECURITY_ADMIN, None, operator="root")
    assert not User.objects.filter(username="new_admin").exists()
