"""Staff pages of citizen demands: list with filters and masked phones, detail, and one page per transition."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from luoshi.audit.models import Action, AuditEvent
from luoshi.demands import services
from luoshi.demands.choices import DemandState, Satisfaction
from luoshi.demands.models import Demand, DemandExtension
from luoshi.demands.tests.lifecycle import NAME, PHONE, called_back, dispatched, finished, received, signed
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
MASKED = "138****1234"


def login(client: Client, user: Any) -> Client:
    verified_login(client, user)
    return client


def page(client: Client, user: Any, name: str, *args: Any, **query: Any) -> str:
    login(client, user)
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def post(client: Client, user: Any, name: str, *args: Any, **data: Any) -> Any:
    login(client, user)
    return client.post(reverse(name, args=args), data)


# --- list ------------------------------------------------------------------------------------------


def test_list_masks_phones_and_never_shows_names(client: Client, world: World) -> None:
    demand = received(world)
    html = page(client, world.office_city, "demands:list")
    assert demand.number in html
    assert MASKED in html
    assert PHONE not in html
    assert NAME not in html


def test_list_shows_only_the_users_subtree(client: Client, world: World) -> None:
    ours = dispatched(world, title="东城电梯故障")
    theirs = dispatched(world, unit=world.district_b, title="西城路灯不亮")
    html = page(client, world.handler_b, "demands:list")
    assert theirs.number in html
    assert ours.number not in html


def test_list_filters_by_state_text_unit_and_dates(client: Client, world: World) -> None:
    waiting = received(world, title="噪音扰民")
    working = signed(world, title="电梯故障")
    user = world.office_city
    by_state = page(client, user, "demands:list", state=DemandState.SIGNED)
    assert working.number in by_state
    assert waiting.number not in by_state
    by_text = page(client, user, "demands:list", q="噪音")
    assert waiting.number in by_text
    assert working.number not in by_text
    by_unit = page(client, user, "demands:list", unit=world.district_a.pk)
    assert working.number in by_unit
    assert waiting.number not in by_unit
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert working.number not in page(client, user, "demands:list", received_after=tomorrow)
    assert working.number in page(client, user, "demands:list", received_before=tomorrow)


def test_list_filters_late_and_escalated(client: Client, world: World) -> None:
    on_time = dispatched(world, title="按时工单")
    late = dispatched(world, title="超时工单")
    Demand.objects.filter(pk=late.pk).update(sign_due=timezone.now() - dt.timedelta(hours=1))
    services.escalate(world.dispatcher_city, on_time, reason="群众多次反映")
    user = world.office_city
    late_page = page(client, user, "demands:list", late="true")
    assert late.number in late_page
    assert on_time.number not in late_page
    escalated_page = page(client, user, "demands:list", escalated="true")
    assert on_time.number in escalated_page
    assert late.number not in escalated_page


def test_list_refuses_roles_without_demand_access(client: Client, world: World) -> None:
    login(client, world.liaison_a)
    assert client.get(reverse("demands:list")).status_code == 403


def test_nav_entry_only_for_demand_viewers(client: Client, world: World) -> None:
    list_url = reverse("demands:list")
    login(client, world.handler_a)
    assert f'href="{list_url}"' in client.get(reverse("home"), follow=True).content.decode()
    login(client, world.liaison_a)
    assert f'href="{list_url}"' not in client.get(reverse("home"), follow=True).content.decode()


# --- detail ----------------------------------------------------------------------------------------


def test_detail_offers_each_role_its_own_actions(client: Client, world: World) -> None:
    demand = dispatched(world)
    handler_html = page(client, world.handler_a, "demands:detail", demand.pk)
    assert reverse("demands:sign", args=[demand.pk]) in handler_html
    assert reverse("demands:return", args=[demand.pk]) in handler_html
    assert reverse("demands:reveal", args=[demand.pk]) in handler_html
    office_html = page(client, world.office_a, "demands:detail", demand.pk)
    assert reverse("demands:sign", args=[demand.pk]) not in office_html
    assert reverse("demands:reveal", args=[demand.pk]) not in office_html
    assert MASKED in office_html
    assert PHONE not in office_html


def test_detail_shows_late_deadlines_in_red_and_the_timeline(client: Client, world: World) -> None:
    demand = dispatched(world)
    with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
        html = page(client, world.office_a, "demands:detail", demand.pk)
    assert "deadline-late" in html
    assert "派单" in html
    assert "受理" in html
    fresh = page(client, world.office_a, "demands:detail", demand.pk)
    assert "deadline-late" not in fresh


def test_detail_out_of_scope_is_404(client: Client, world: World) -> None:
    demand = dispatched(world)
    login(client, world.handler_b)
    assert client.get(reverse("demands:detail", args=[demand.pk])).status_code == 404


# --- transitions through the pages -----------------------------------------------------------------


def test_journey_through_every_page_from_dispatch_to_archive(client: Client, world: World) -> None:
    demand = received(world)
    d, h = world.dispatcher_city, world.handler_a
    assert str(world.district_a) in page(client, d, "demands:dispatch", demand.pk, unit_q="东城")
    steps: list[tuple[Any, str, dict[str, Any], str]] = [
        (d, "demands:dispatch", {"unit": world.district_a.pk, "note": "请东城区办理"}, DemandState.DISPATCHED),
        (h, "demands:sign", {}, DemandState.SIGNED),
        (h, "demands:respond", {"note": "已电话联系"}, DemandState.RESPONDED),
        (h, "demands:finish", {"outcome": "resolved", "explanation": "电梯已修复"}, DemandState.FINISHED),
        (d, "demands:call_back", {"satisfaction": Satisfaction.SATISFIED}, DemandState.CALLED_BACK),
        (d, "demands:archive", {}, DemandState.ARCHIVED),
    ]
    for user, name, data, state in steps:
        demand.refresh_from_db()
        response = post(client, user, name, demand.pk, version=demand.version, **data)
        assert response.status_code == 302, (name, response.content.decode()[:2000])
        demand.refresh_from_db()
        assert demand.state == state, name
    assert demand.handling_unit == world.district_a
    assert demand.events.count() >= 7


def test_return_and_redo_pages(client: Client, world: World) -> None:
    demand = dispatched(world)
    response = post(client, world.handler_a, "demands:return", demand.pk, reason="不属于本单位职责")
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.state == DemandState.RECEIVED
    unhappy = called_back(world, satisfaction=Satisfaction.UNSATISFIED)
    response = post(client, world.dispatcher_city, "demands:redo", unhappy.pk, reason="群众不满意，重新办理")
    assert response.status_code == 302
    unhappy.refresh_from_db()
    assert unhappy.redo_count == 1
    assert unhappy.state != DemandState.CALLED_BACK


def test_escalate_page(client: Client, world: World) -> None:
    demand = signed(world)
    assert post(client, world.dispatcher_city, "demands:escalate", demand.pk, reason="久拖不决").status_code == 302
    demand.refresh_from_db()
    assert demand.escalated


def test_extension_request_approve_and_reject_pages(client: Client, world: World) -> None:
    demand = signed(world)
    response = post(client, world.handler_a, "demands:request_extension", demand.pk, days=3, reason="需协调多部门")
    assert response.status_code == 302
    ext = DemandExtension.objects.get(demand=demand)
    html = page(client, world.dispatcher_city, "demands:detail", demand.pk)
    assert reverse("demands:approve_extension", args=[demand.pk, ext.pk]) in html
    response = post(client, world.dispatcher_city, "demands:approve_extension", demand.pk, ext.pk)
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.resolve_due == ext.new_due
    other = signed(world, title="另一件")
    services.request_extension(world.handler_a, other, days=2, reason="材料未齐")
    ext2 = DemandExtension.objects.get(demand=other)
    response = post(client, world.dispatcher_city, "demands:reject_extension", other.pk, ext2.pk, note="理由不足")
    assert response.status_code == 302
    ext2.refresh_from_db()
    assert ext2.state == "rejected"


def test_stale_version_is_a_conflict_and_changes_nothing(client: Client, world: World) -> None:
    demand = dispatched(world)
    response = post(client, world.handler_a, "demands:sign", demand.pk, version=demand.version - 1)
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    demand.refresh_from_db()
    assert demand.state == DemandState.DISPATCHED


def test_action_without_permission_is_refused_and_changes_nothing(client: Client, world: World) -> None:
    demand = dispatched(world)
    login(client, world.office_a)
    assert "不能对该工单执行" in client.get(reverse("demands:sign", args=[demand.pk])).content.decode()
    response = post(client, world.office_a, "demands:sign", demand.pk, version=demand.version)
    assert response.status_code == 403
    demand.refresh_from_db()
    assert demand.state == DemandState.DISPATCHED


def test_rule_violation_is_shown_on_the_form(client: Client, world: World) -> None:
    demand = finished(world)
    response = post(client, world.handler_a, "demands:respond", demand.pk, note="再次联系", version=demand.version)
    assert response.status_code == 200
    assert "不能执行「联系群众」" in response.content.decode()
    demand.refresh_from_db()
    assert demand.state == DemandState.FINISHED


# --- personal data ---------------------------------------------------------------------------------


def test_reveal_shows_the_citizen_once_and_is_audited(client: Client, world: World) -> None:
    demand = dispatched(world)
    response = post(client, world.handler_a, "demands:reveal", demand.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert NAME in html
    assert PHONE in html
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action=Action.VIEW_PERSONAL, object_id=str(demand.pk)).count() == 1
    detail = page(client, world.handler_a, "demands:detail", demand.pk)
    assert PHONE not in detail


def test_reveal_refused_to_viewers_who_do_not_handle_the_ticket(client: Client, world: World) -> None:
    demand = dispatched(world)
    response = post(client, world.office_a, "demands:reveal", demand.pk)
    assert response.status_code == 403
    assert PHONE not in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.VIEW_PERSONAL).exists()
    login(client, world.handler_a)
    assert client.get(reverse("demands:reveal", args=[demand.pk])).status_code == 405


# --- 转为问题 ---------------------------------------------------------------------------------------


def test_link_to_an_existing_problem_shows_on_both_pages(client: Client, world: World) -> None:
    from luoshi.testing.problems import rectifying

    problem = rectifying(world, unit=world.district_a, title="物业服务不到位")
    demand = signed(world)
    response = post(client, world.office_a, "demands:link_problem", demand.pk, mode="existing", number=problem.number)
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.problem == problem
    assert reverse("problems:detail", args=[problem.pk]) in page(client, world.office_a, "demands:detail", demand.pk)
    problem_page = page(client, world.office_a, "problems:detail", problem.pk)
    assert demand.number in problem_page
    assert demand.number not in page(client, world.liaison_a, "problems:detail", problem.pk)


def test_link_to_an_unknown_problem_is_a_form_error(client: Client, world: World) -> None:
    demand = signed(world)
    response = post(client, world.office_a, "demands:link_problem", demand.pk, mode="existing", number="WT999999")
    assert response.status_code == 200
    assert "未找到该编号的问题" in response.content.decode()
    demand.refresh_from_db()
    assert demand.problem is None


def test_link_by_filing_a_new_problem(client: Client, world: World) -> None:
    demand = signed(world, title="多个小区反映物业收费不透明")
    today = timezone.localdate()
    data = {
        "mode": "new",
        "new-title": "物业收费不透明",
        "new-channel": world.channels[1].pk,
        "new-aspect": world.aspects[3].pk,
        "new-unit": world.district_a.pk,
        "new-severity": "normal",
        "new-kind": "deadline",
        "new-found_on": today.isoformat(),
        "new-deadline": (today + dt.timedelta(days=30)).isoformat(),
    }
    response = post(client, world.office_a, "demands:link_problem", demand.pk, **data)
    assert response.status_code == 302, response.content.decode()[:3000]
    demand.refresh_from_db()
    assert demand.problem is not None
    assert demand.problem.title == "物业收费不透明"
