"""我的待办: every role lands, after a real login, on the page of its work, with counts equal to the lists'."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.accounts import services as account_services
from luoshi.demands import services as demand_services
from luoshi.demands.tests.lifecycle import dispatched, finished, received, signed
from luoshi.home import todo
from luoshi.problems import services as problem_services
from luoshi.testing.problems import new_problem, pending_review, rectifying
from luoshi.testing.world import PASSWORD, World, make_user

try:  # roles that log in with a second factor go through the code page
    from luoshi.accounts import twofactor
    from luoshi.testing.twofactor import enrol, login_through_pages
except ImportError:  # a tree without two-factor login
    twofactor = None  # type: ignore[assignment]

pytestmark = pytest.mark.django_db


def land(client: Client, user: Any) -> str:
    """Log in on the login page (and the code page where the role needs one) and follow to the landing page."""
    if twofactor is not None and twofactor.requires_two_factor(user):
        enrol(user)
        response = login_through_pages(client, user.username)
    else:
        response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    while response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code == 200
    return response.content.decode()


def counts(html: str) -> dict[str, str]:
    """Item label → count shown, over every section of the page."""
    found = re.findall(r"<span>([^<]+)</span>\s*<span class=\"badge[^\"]*todo-count\">([^<]+)</span>", html)
    return dict(found)


def list_total(client: Client, url: str) -> int:
    page = client.get(url).context["page"]
    return page.count


def item_of(user: Any, label: str, role: str | None = None) -> todo.TodoItem:
    for section in todo.sections(user):
        for item in section.items:
            if item.label == label and (role is None or section.role == role):
                return item
    raise AssertionError(f"no item {label}")


def test_dispatcher_lands_on_their_to_do_list_not_on_no_role(client: Client, world: World) -> None:
    received(world)
    received(world)
    dispatched(world)
    finished(world)
    returned = dispatched(world)
    demand_services.return_demand(world.handler_a, returned, reason="不属于本单位")
    html = land(client, world.dispatcher_city)
    assert "尚未分配角色" not in html
    assert "我的待办" in html
    shown = counts(html)
    assert shown["待派单"] == "3"  # two new and the returned one
    assert shown["被退单"] == "1"
    assert shown["待回访"] == "1"
    for label in ("待派单", "被退单", "待回访"):
        item = item_of(world.dispatcher_city, label)
        assert list_total(client, item.url) == item.count


def test_handler_sees_only_their_units_tickets(client: Client, world: World) -> None:
    dispatched(world)
    dispatched(world)
    dispatched(world, unit=world.district_b)
    signed(world)
    html = land(client, world.handler_a)
    assert "尚未分配角色" not in html
    shown = counts(html)
    assert shown["待签收"] == "2"
    assert shown["办理中"] == "1"
    item = item_of(world.handler_a, "待签收")
    assert list_total(client, item.url) == 2
    assert counts(land(Client(), world.handler_b))["待签收"] == "1"


def test_leader_sees_what_to_claim_and_what_was_sent_back(client: Client, world: World) -> None:
    new_problem(world)
    new_problem(world, unit=world.district_b, actor=world.liaison_b)
    rectifying(world)
    problem = pending_review(world)
    problem_services.send_back(world.office_a, problem, reason="佐证不足")
    html = land(client, world.leader_a)
    shown = counts(html)
    assert shown["待我认领"] == "1"
    assert shown["我的整改中问题"] == "2"
    assert shown["被退回"] == "1"
    for label in ("待我认领", "我的整改中问题", "被退回"):
        item = item_of(world.leader_a, label)
        assert list_total(client, item.url) == item.count


def test_district_office_and_liaison_and_supervisor(client: Client, world: World) -> None:
    pending_review(world)
    problem = rectifying(world)
    problem_services.request_extension(
        world.leader_a, problem, new_deadline=problem.deadline + dt.timedelta(days=10), reason="工程量大"
    )
    new_problem(world, unit=world.district_b, actor=world.liaison_b)
    office = counts(land(client, world.office_a))
    assert office["待审核销号"] == "1"
    assert office["待审批延期"] == "1"
    liaison = counts(land(Client(), world.liaison_a))
    assert liaison["整改中"] == "1"
    assert liaison["待认领"] == "0"
    assert counts(land(Client(), world.liaison_b))["待认领"] == "1"
    assert "逾期未销号" in counts(land(Client(), world.supervisor_a))


def test_a_user_with_two_roles_sees_both_sections(client: Client, world: World) -> None:
    user = make_user("both", Role.DISPATCHER, world.district_a)
    RoleAssignment.objects.create(user=user, role=Role.HANDLER, unit=world.street_a)
    html = land(client, user)
    assert 'data-role="dispatcher"' in html
    assert 'data-role="handler"' in html
    assert "承办人 · 东城街道" in html  # the handler's items are narrowed to the unit it holds the role on
    assert item_of(user, "待签收").url.endswith(f"unit={world.street_a.pk}")


def test_security_admin_and_auditor_land_on_their_work(client: Client, world: World) -> None:
    account = make_user("newcomer", Role.HANDLER, world.district_a)
    account_services.reset_password(world.secadmin, account, "Luoshi-reset-2026")
    admin = counts(land(client, world.secadmin))
    assert admin["待修改初始密码的账号"] == "1"
    assert list_total(client, item_of(world.secadmin, "待修改初始密码的账号").url) == 1
    Client().post(reverse("accounts:login"), {"username": "handler_a", "password": "wrong"})
    auditor = counts(land(Client(), world.auditor))
    assert auditor["今日登录失败"] == "1"


def test_a_user_without_a_role_still_gets_the_no_role_page(client: Client, world: World) -> None:
    assert "尚未分配角色" in land(client, world.nobody)
