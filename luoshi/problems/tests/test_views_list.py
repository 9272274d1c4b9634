"""The problem list: filters, Chinese search, HTMX partial, sorting, paging, choices kept to the user's scope."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import NoReverseMatch, reverse

from luoshi.access.roles import Role
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.orgs.models import UnitKind
from luoshi.orgs.services import create_unit
from luoshi.problems.choices import State
from luoshi.testing.problems import closed, new_problem, rectifying
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import make_user

LIST = reverse("problems:list")


def numbers(response):
    return [p.number for p in response.context["page"].object_list]


def test_filters_by_state_text_and_unit_subtree(client, world):
    waiting = new_problem(world, title="村务公开不及时")
    working = rectifying(world, title="食堂铺张浪费", unit=world.street_a)
    west = new_problem(world, title="西城食堂问题", unit=world.district_b, actor=world.liaison_b)
    verified_login(client, world.office_city)

    assert numbers(client.get(LIST, {"state": State.RECTIFYING})) == [working.number]
    assert set(numbers(client.get(LIST, {"q": "食堂"}))) == {working.number, west.number}
    assert numbers(client.get(LIST, {"q": "村务 公开"})) == [waiting.number]
    in_east = set(numbers(client.get(LIST, {"unit": world.district_a.pk})))
    assert in_east == {waiting.number, working.number}
    assert numbers(client.get(LIST, {"unit": world.street_a.pk, "q": "食堂"})) == [working.number]


def test_filters_by_light_aspect_channel_and_deadline(client, world):
    today = dt.date.today()
    late = new_problem(
        world, title="超期问题", found_on=today - dt.timedelta(days=40), deadline=today - dt.timedelta(1)
    )
    soon = new_problem(world, title="临期问题", deadline=today + dt.timedelta(days=1), aspect=world.aspects[0])
    later = new_problem(world, title="远期问题", deadline=today + dt.timedelta(days=60), channel=world.channels[5])
    verified_login(client, world.office_a)
    assert numbers(client.get(LIST, {"light": "red"})) == [late.number]
    assert numbers(client.get(LIST, {"light": ["red", "yellow"], "sort": "deadline"})) == [late.number, soon.number]
    assert numbers(client.get(LIST, {"aspect": world.aspects[0].pk})) == [soon.number]
    assert numbers(client.get(LIST, {"channel": world.channels[5].pk})) == [later.number]
    window = {"deadline_after": today.isoformat(), "deadline_before": (today + dt.timedelta(days=30)).isoformat()}
    assert numbers(client.get(LIST, window)) == [soon.number]


def test_sort_by_deadline_and_id(client, world):
    today = dt.date.today()
    first = new_problem(world, deadline=today + dt.timedelta(days=20))
    second = new_problem(world, deadline=today + dt.timedelta(days=10))
    verified_login(client, world.office_a)
    assert numbers(client.get(LIST)) == [second.number, first.number]
    assert numbers(client.get(LIST, {"sort": "id"})) == [first.number, second.number]
    assert numbers(client.get(LIST, {"sort": "deadline"})) == [second.number, first.number]
    assert numbers(client.get(LIST, {"sort": "-deadline"})) == [first.number, second.number]


def test_pages_of_fifty(client, world):
    for i in range(53):
        new_problem(world, title=f"分页问题{i:02d}")
    verified_login(client, world.office_a)
    first = client.get(LIST)
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].count == 53
    second = client.get(LIST, {"page": 2})
    assert len(second.context["page"].object_list) == 3
    assert not set(numbers(first)) & set(numbers(second))
    assert "?page=2" in first.content.decode()


def test_htmx_request_gets_only_the_results(client, world):
    problem = new_problem(world, title="HTMX局部刷新")
    verified_login(client, world.office_a)
    response = client.get(LIST, {"q": "局部"}, headers={"HX-Request": "true", "HX-Target": "results"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert problem.number in html
    assert 'hx-swap-oob="true"' in html
    full = client.get(LIST, {"q": "局部"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in full.content.decode()


def test_filter_form_drives_results_with_htmx(client, world):
    verified_login(client, world.office_a)
    html = client.get(LIST).content.decode()
    found = re.search(r'<form id="filters".*?>', html, re.S)
    assert found is not None
    form = found.group(0)
    assert 'hx-get="/problems/"' in form
    assert 'hx-target="#results"' in form
    assert 'hx-push-url="true"' in form


def test_export_link_carries_the_current_filters(client, world):
    new_problem(world)
    verified_login(client, world.liaison_a)
    html = client.get(LIST, {"state": "pending_claim", "q": "窗口"}).content.decode()
    try:
        export = reverse("ledger:export")
    except NoReverseMatch:
        assert "导出 Excel" not in html
    else:
        assert f'href="{export}?state=pending_claim&amp;q=%E7%AA%97%E5%8F%A3"' in html


def test_no_export_link_without_export_permission(client, world):
    supervisor = world.supervisor_a
    verified_login(client, supervisor)
    assert "导出 Excel" not in client.get(LIST).content.decode()


def other_city():
    kind = UnitKind.objects.get(code="city")
    city = create_unit(None, name="邻近市", code="C999", kind=kind, parent=None)
    campaign = Campaign.objects.create(
        name="邻市专项整治", unit=city, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    Aspect.objects.create(campaign=campaign, name="邻市独有方面")
    Channel.objects.create(campaign=campaign, name="邻市独有来源")
    return city


def test_filter_choices_only_show_what_the_user_can_see(client, world):
    city = other_city()
    verified_login(client, world.liaison_a)
    html = client.get(LIST).content.decode()
    for hidden in ("邻近市", "邻市专项整治", "邻市独有方面", "邻市独有来源", "西城区"):
        assert hidden not in html
    assert "东城街道" in html
    assert world.campaign.name in html

    neighbour = make_user("office_other", Role.OFFICE, city, "邻市办公室")
    verified_login(client, neighbour)
    html = client.get(LIST).content.decode()
    assert "邻市独有方面" in html
    assert "东城区" not in html


def test_out_of_scope_filter_value_is_ignored_not_obeyed(client, world):
    new_problem(world, unit=world.district_b, actor=world.liaison_b, title="西城问题")
    mine = new_problem(world, title="东城问题")
    verified_login(client, world.liaison_a)
    response = client.get(LIST, {"unit": world.district_b.pk})
    assert numbers(response) == [mine.number]
    assert "部分筛选条件无效" in response.content.decode()


def test_list_never_shows_problems_out_of_scope(client, world):
    new_problem(world, unit=world.district_b, actor=world.liaison_b, title="西城独有问题")
    closed(world, title="东城已销号")
    verified_login(client, world.liaison_a)
    html = client.get(LIST).content.decode()
    assert "西城独有问题" not in html
    assert "东城已销号" in html
