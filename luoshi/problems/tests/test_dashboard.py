"""The dashboard: figures on a hand-built set, scope, drill-down, and a query count that does not grow with data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.orgs.models import UnitKind
from luoshi.orgs.services import create_unit
from luoshi.problems import services
from luoshi.problems.choices import State
from luoshi.testing.problems import closed, new_problem
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import make_user

DASHBOARD = reverse("problems:dashboard")


def overdue_problem(world, unit):
    today = dt.date.today()
    problem = new_problem(
        world, unit=unit, found_on=today - dt.timedelta(days=30), deadline=today - dt.timedelta(days=2)
    )
    return services.claim(world.leader_a, problem)


@pytest.fixture
def hand_built(world):
    """东城区: 2 waiting, 1 closed; 东城街道: 1 overdue in rectification; 西城区: 1 waiting."""
    new_problem(world)
    new_problem(world)
    closed(world)
    overdue_problem(world, world.street_a)
    new_problem(world, unit=world.district_b, actor=world.liaison_b)
    return world


def rows_by_name(response):
    return {(r.unit.name, r.own_only): r for r in response.context["rows"]}


def test_city_office_sees_counts_by_state_and_per_district(client, hand_built):
    world = hand_built
    verified_login(client, world.office_city)
    response = client.get(DASHBOARD)
    summary = response.context["summary"]
    assert summary.total == 5
    assert summary.by_state == {
        State.PENDING_CLAIM: 3,
        State.RECTIFYING: 1,
        State.PENDING_REVIEW: 0,
        State.CLOSED: 1,
    }
    assert summary.overdue == 1
    assert summary.lights["red"] == 1
    assert summary.closure_rate == pytest.approx(0.2)
    rows = rows_by_name(response)
    assert set(rows) == {("东城区", False), ("西城区", False)}
    east, west = rows[("东城区", False)], rows[("西城区", False)]
    assert (east.total, east.closed, east.overdue, east.red) == (4, 1, 1, 1)
    assert (west.total, west.closed, west.overdue) == (1, 0, 0)
    html = response.content.decode()
    assert "20.0%" in html
    assert f"unit={world.district_a.pk}" in html


def test_district_office_sees_own_level_and_streets(client, hand_built):
    world = hand_built
    verified_login(client, world.office_a)
    response = client.get(DASHBOARD)
    assert response.context["summary"].total == 4
    rows = rows_by_name(response)
    assert set(rows) == {("东城区", True), ("东城街道", False)}
    own, street = rows[("东城区", True)], rows[("东城街道", False)]
    assert (own.total, own.closed, own.overdue) == (3, 1, 0)
    assert (street.total, street.overdue) == (1, 1)
    assert "本级" in response.content.decode()


def test_drill_down_into_a_district(client, hand_built):
    world = hand_built
    verified_login(client, world.office_city)
    response = client.get(DASHBOARD, {"unit": world.district_a.pk})
    assert response.context["summary"].total == 4
    assert [u.name for u in response.context["crumbs"]] == ["示范市", "东城区"]
    assert set(rows_by_name(response)) == {("东城区", True), ("东城街道", False)}


def test_unit_out_of_scope_is_404(client, hand_built):
    world = hand_built
    verified_login(client, world.office_a)
    assert client.get(DASHBOARD, {"unit": world.district_b.pk}).status_code == 404
    assert client.get(DASHBOARD, {"unit": world.city.pk}).status_code == 404
    assert client.get(DASHBOARD, {"unit": "abc"}).status_code == 404


def test_counts_by_aspect_and_channel_feed_the_charts(client, world):
    new_problem(world, aspect=world.aspects[0], channel=world.channels[0])
    new_problem(world, aspect=world.aspects[0], channel=world.channels[2])
    new_problem(world, aspect=world.aspects[3], channel=world.channels[2])
    verified_login(client, world.office_city)
    data = client.get(DASHBOARD).context["chart_data"]
    aspects = {a["name"]: a["value"] for a in data["aspects"]}
    channels = {c["name"]: c["value"] for c in data["channels"]}
    assert aspects == {"理论学习": 2, "政治建设": 0, "作风建设": 0, "为民服务": 1}
    assert channels[world.channels[0].name] == 1
    assert channels[world.channels[2].name] == 2
    assert sum(channels.values()) == 3


def test_campaign_choice_limits_the_figures(client, world):
    other = Campaign.objects.create(
        name="第二批专项整治", unit=world.city, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)
    )
    channel = Channel.objects.create(campaign=other, name="巡视反馈")
    aspect = Aspect.objects.create(campaign=other, name="作风建设")
    new_problem(world, campaign=other, channel=channel, aspect=aspect)
    new_problem(world)
    new_problem(world)
    verified_login(client, world.office_city)
    assert client.get(DASHBOARD, {"campaign": world.campaign.pk}).context["summary"].total == 2
    assert client.get(DASHBOARD, {"campaign": other.pk}).context["summary"].total == 1


def test_viewer_with_several_scope_units_gets_those_units_as_rows(client, world):
    both = make_user("inspector", Role.SUPERVISOR, world.district_a, "双区督导")
    RoleAssignment.objects.create(user=both, role=Role.SUPERVISOR, unit=world.district_b)
    new_problem(world)
    new_problem(world, unit=world.street_a)
    new_problem(world, unit=world.district_b, actor=world.liaison_b)
    verified_login(client, both)
    response = client.get(DASHBOARD)
    assert response.context["parent"] is None
    rows = rows_by_name(response)
    assert set(rows) == {("东城区", False), ("西城区", False)}
    assert rows[("东城区", False)].total == 2
    assert rows[("西城区", False)].total == 1


def grow(world, units: int, problems: int) -> None:
    """More units under both districts and more problems spread over them."""
    kind = UnitKind.objects.get(code="street")
    created = [
        create_unit(
            None, name=f"新增街道{i}", code=f"X{i:04d}", kind=kind, parent=[world.district_a, world.street_a][i % 2]
        )
        for i in range(units)
    ]
    for i in range(problems):
        unit = created[i % len(created)]
        new_problem(world, unit=unit, aspect=world.aspects[i % 4], channel=world.channels[i % 8])


def dashboard_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_units_or_problems(client, world, django_assert_max_num_queries):
    new_problem(world)
    verified_login(client, world.office_city)
    with django_assert_max_num_queries(15):
        small = client.get(DASHBOARD)
    assert small.context["summary"].total == 1
    small_count = dashboard_queries(client)
    small_drill = dashboard_queries(client, unit=world.district_a.pk)

    grow(world, units=12, problems=40)
    with django_assert_max_num_queries(15):
        large = client.get(DASHBOARD)
    assert large.context["summary"].total == 41
    assert dashboard_queries(client) == small_count
    assert dashboard_queries(client, unit=world.district_a.pk) == small_drill
    assert len(client.get(DASHBOARD, {"unit": world.district_a.pk}).context["rows"]) == 8  # 本级 + street + 6 new
