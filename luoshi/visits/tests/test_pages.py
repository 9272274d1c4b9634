"""The calendar's pages: list and Excel, filing with warnings, a visit and its cancelling, the calendars, the heat
and never-visited list, the overrides and the rules page; scope everywhere."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from luoshi.access.roles import Role
from luoshi.audit.models import Action, AuditEvent
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World, make_user
from luoshi.visits import queries, services
from luoshi.visits.choices import VisitState
from luoshi.visits.models import Visit, VisitRule
from luoshi.visits.tests.helpers import DAY, file

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def test_filing_page_warns_asks_for_a_reason_and_files(world: World) -> None:
    file(world, world.street_a, DAY)
    file(world, world.street_a, DAY + dt.timedelta(days=1))
    client = client_for(world.liaison_a)
    url = f"/visits/new/?campaign={world.campaign.pk}"
    assert client.get(url).status_code == 200
    form = {
        "unit": world.street_a.pk,
        "organiser": "第三督导组",
        "date": "2026-03-04",
        "headcount": 4,
        "team": "王五、赵六",
        "kinds": ["looks", "talks"],
        "purpose": "回访",
    }
    answer = client.post(url, form)
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "该单位 14 天内将被走访 3 次" in text
    assert "仍需走访的理由" in text
    assert Visit.objects.count() == 2
    answer = client.post(url, {**form, "override_reason": "上级交办的信访件需要现场核实"})
    visit = Visit.objects.get(organiser="第三督导组")
    assert answer.status_code == 302
    assert answer["Location"] == f"/visits/{visit.pk}/"
    assert visit.override_reason == "上级交办的信访件需要现场核实"
    assert visit.talks
    assert visit.looks
    assert not visit.hears
    detail = client.get(answer["Location"]).content.decode()
    assert "上级交办的信访件需要现场核实" in detail


def test_filing_page_shows_a_block_and_refuses_units_outside_scope(world: World) -> None:
    services.save_rules(world.office_city, world.campaign, [{"kind": "party_size", "action": "block"}])
    client = client_for(world.liaison_a)
    url = f"/visits/new/?campaign={world.campaign.pk}"
    form = {"unit": world.street_a.pk, "organiser": "组", "date": "2026-03-04", "headcount": 12, "team": "甲"}
    answer = client.post(url, {**form, "kinds": ["looks"], "override_reason": "确需"})
    assert "不能报备" in answer.content.decode()
    assert not Visit.objects.exists()
    answer = client.post(url, {**form, "unit": world.district_b.pk, "headcount": 3, "kinds": ["looks"]})
    assert answer.status_code == 200
    assert not Visit.objects.exists()
    assert client_for(world.auditor).get(url).status_code == 403
    assert client.get("/visits/new/?campaign=abc").status_code == 400


def test_list_detail_and_cancel_are_scoped(world: World) -> None:
    visit = file(world, world.street_a, DAY, team="东城督导甲")
    office_b = client_for(world.office_b)
    assert "东城督导甲" not in office_b.get("/visits/").content.decode()
    assert office_b.get(f"/visits/{visit.pk}/").status_code == 404
    assert office_b.post(f"/visits/{visit.pk}/cancel/", {"reason": "x"}).status_code == 404
    liaison = client_for(world.liaison_a)
    listed = liaison.get(f"/visits/?campaign={world.campaign.pk}&unit={world.district_a.pk}&from=2026-03-01")
    assert "东城街道" in listed.content.decode()
    assert liaison.get("/visits/?unit=abc").status_code == 200  # a refused filter is ignored with a warning
    answer = liaison.post(f"/visits/{visit.pk}/cancel/", {"reason": "改期"})
    assert answer.status_code == 302
    visit.refresh_from_db()
    assert visit.state == VisitState.CANCELLED
    assert liaison.get(f"/visits/{visit.pk}/cancel/").status_code == 405


def test_excel_export_filters_and_neutralises(world: World) -> None:
    file(world, world.street_a, DAY, team="=HYPERLINK(1)")
    file(world, world.district_a, DAY + dt.timedelta(days=40), key="plan:2")
    file(world, world.district_b, DAY)
    client = client_for(world.office_a)
    answer = client.get(f"/visits/export/?campaign={world.campaign.pk}&from=2026-03-01&to=2026-03-31")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("走访日期", "单位编码", "走访单位")
    assert [(r[2], r[6]) for r in rows[1:]] == [("东城街道", "'=HYPERLINK(1)")]
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="visits.visit").count() == 1
    assert client.get("/visits/export/?from=2026-13-01").status_code == 400
    assert client_for(world.supervisor_a).get("/visits/export/").status_code == 403


def test_calendars_show_the_month(world: World) -> None:
    file(world, world.street_a, DAY, key="group:7")
    file(world, world.district_a, DAY.replace(day=20), key="plan:3")
    client = client_for(world.liaison_a)
    unit_page = client.get(f"/visits/calendar/?unit={world.street_a.pk}&month=2026-03").content.decode()
    assert "督导组 group:7" in unit_page
    assert "督导组 plan:3" not in unit_page
    county = client.get(f"/visits/county/?unit={world.district_a.pk}&month=2026-03&campaign={world.campaign.pk}")
    assert "督导组 group:7" in county.content.decode()
    assert "督导组 plan:3" in county.content.decode()
    assert county.context["total"] == 2
    assert client.get(f"/visits/county/?unit={world.district_a.pk}&month=2026-04").context["total"] == 0
    assert client.get("/visits/calendar/?month=2026-3x").status_code == 400
    assert client.get("/visits/calendar/?unit=abc").status_code == 400
    assert client.get(f"/visits/calendar/?unit={world.district_b.pk}").status_code == 404
    assert client.get("/visits/county/").status_code == 200


def test_heat_counts_and_never_visited_against_hand_counts(world: World) -> None:
    file(world, world.street_a, DAY, key="group:1")
    file(world, world.street_a, DAY.replace(month=5), key="group:2")
    file(world, world.district_a, DAY.replace(month=7), key="group:1")
    services.cancel_visit(world.office_city, file(world, world.district_b, DAY))
    rows = queries.heat(world.office_city, world.campaign, world.city)
    assert [(r.unit.name, r.visits, r.organisers, r.last, r.own, r.step) for r in rows] == [
        ("示范市", 0, 0, None, True, 0),
        ("东城区", 3, 2, DAY.replace(month=7), False, 5),
        ("西城区", 0, 0, None, False, 0),
    ]
    assert [u.name for u in queries.never_visited(world.campaign, world.city)] == ["示范市", "西城区"]
    client = client_for(world.office_city)
    page = client.get(f"/visits/heat/?campaign={world.campaign.pk}&unit={world.district_a.pk}")
    assert page.status_code == 200
    assert [(r.unit.name, r.visits) for r in page.context["rows"]] == [("东城区", 1), ("东城街道", 2)]
    assert page.context["missing"].count == 0
    assert page.context["chart_data"]["units"] == [
        {
            "name": "东城街道",
            "value": 2,
            "step": 5,
            "url": f"?campaign={world.campaign.pk}&unit={world.street_a.pk}",
        }
    ]
    assert 'id="heat-data"' in page.content.decode()
    b_page = client_for(world.office_b).get(f"/visits/heat/?campaign={world.campaign.pk}")
    assert [(r.unit.name, r.visits) for r in b_page.context["rows"]] == [("西城区", 0)]
    assert client.get(f"/visits/heat/?campaign={world.campaign.pk}&unit=1e9").status_code == 400
    assert client_for(world.office_b).get(f"/visits/heat/?unit={world.district_a.pk}").status_code == 404


def test_overrides_list_for_the_office(world: World) -> None:
    file(world, world.street_a, DAY)
    file(world, world.street_a, DAY)
    file(world, world.street_a, DAY, reason="专项督查，确需再访", user=world.liaison_a)
    page = client_for(world.office_a).get(f"/visits/overrides/?campaign={world.campaign.pk}")
    text = page.content.decode()
    assert "专项督查，确需再访" in text
    assert "东城联络员" in text
    assert "专项督查" not in client_for(world.office_b).get("/visits/overrides/").content.decode()
    assert client_for(world.liaison_a).get("/visits/overrides/").status_code == 403


def test_rules_page_saves_for_the_office_and_reads_for_others(world: World) -> None:
    url = f"/visits/rules/?campaign={world.campaign.pk}"
    office = client_for(world.office_city)
    assert "同一单位短期内接待次数" in office.get(url).content.decode()
    form = {
        "unit_window-enabled": "on",
        "unit_window-limit": 4,
        "unit_window-window_days": 10,
        "unit_window-action": "block",
        "unit_year-enabled": "on",
        "unit_year-limit": 10,
        "unit_year-window_days": 365,
        "unit_year-action": "warn",
        "party_size-limit": 8,
        "party_size-action": "warn",
        "county_month-enabled": "on",
        "county_month-limit": 30,
        "county_month-action": "warn",
    }
    assert office.post(url, form).status_code == 302
    rule = VisitRule.objects.get(kind="unit_window")
    assert (rule.limit, rule.window_days, rule.action) == (4, 10, "block")
    assert not VisitRule.objects.get(kind="party_size").enabled
    assert office.post(url, {**form, "unit_window-limit": 0}).status_code == 200
    liaison = client_for(world.liaison_a)
    assert liaison.get(url).status_code == 200
    assert liaison.post(url, form).status_code == 403


def test_a_street_s_county_calendar_points_up_to_its_county(world: World) -> None:
    file(world, world.street_a, DAY, key="group:7")
    client = client_for(world.liaison_a)
    street = client.get(f"/visits/county/?unit={world.street_a.pk}&month=2026-03&campaign={world.campaign.pk}")
    page = street.content.decode()
    assert street.context["county"] == world.district_a
    assert "东城街道属于县级单位「东城区」" in page
    assert f"?unit={world.district_a.pk}&amp;month=2026-03&amp;campaign={world.campaign.pk}" in page
    district = client.get(f"/visits/county/?unit={world.district_a.pk}&month=2026-03")
    assert district.context["county"] is None
    assert 'id="county"' not in district.content.decode()
    street_user = make_user("liaison_s", Role.LIAISON, world.street_a, "东城街道联络员")
    own = client_for(street_user).get("/visits/county/?month=2026-03")
    assert own.context["unit"] == world.street_a
    assert own.context["county"] is None  # the district is outside a street's scope: no pointer to it
