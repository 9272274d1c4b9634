"""The ranking and red/black list pages (三率排名、红黑榜) and their Excel exports."""

from __future__ import annotations

import io
from fractions import Fraction

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.demands import rates
from luoshi.demands.choices import Outcome, Satisfaction
from luoshi.demands.models import Company, Project
from luoshi.demands.tests.rate_helpers import handled, oct_
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

MONTH = "month=2026-10"
OCTOBER = rates.Period.month(2026, 10)


@pytest.fixture
def october(world: World) -> Company:
    """东城街道 with one black-listed company (satisfaction 50 %) and its estate; 西城区 all good."""
    path = world.district_a.path
    company = Company.objects.create(
        name="劣质物业", credit_code="91000000000000002B", unit=world.district_a, org_path=path
    )
    estate = Project.objects.create(name="幸福小区", company=company, unit=world.street_a, org_path=world.street_a.path)
    for day, satisfaction in ((3, Satisfaction.SATISFIED), (4, Satisfaction.UNSATISFIED)):
        handled(world, oct_(day), world.street_a, Outcome.RESOLVED, satisfaction, project=estate)
    handled(world, oct_(5), world.district_b, Outcome.RESOLVED, Satisfaction.SATISFIED)
    return company


def test_figures_for_a_subtree_a_company_and_a_project(world: World, october: Company) -> None:
    estate = october.projects.get()
    assert rates.figures_for(OCTOBER, unit=world.district_a).rated == 2
    assert rates.figures_for(OCTOBER, company=october).satisfied == 1
    assert rates.figures_for(OCTOBER, project=estate, unit=world.district_b).received == 0
    assert rates.figures_for(OCTOBER).received == 3
    assert rates.satisfaction_rate(rates.figures_for(OCTOBER, project=estate)) == Fraction(1, 2)


def signed_in(client: Client, user: object) -> Client:
    verified_login(client, user)
    return client


def sheet_rows(content: bytes) -> list[tuple[object, ...]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_ranking_page_ranks_the_child_units_with_their_rates(client: Client, world: World, october: Company) -> None:
    response = signed_in(client, world.office_city).get(reverse("demand_rates:ranking") + "?" + MONTH)
    assert response.status_code == 200
    text = response.content.decode()
    assert "echarts.min.js" in text
    assert f'href="{reverse("demand_rates:ranking")}"' in text  # the navigation bar leads here
    assert text.index("西城区") < text.index("东城区")
    assert "50.0%" in text  # 东城区 satisfaction
    assert '"value": 100.0' in text  # 西城区 in the chart data
    assert "末三位" not in text  # two children: nobody is named


def test_red_black_list_shows_the_threshold_a_company_falls_under(
    client: Client, world: World, october: Company
) -> None:
    url = reverse("demand_rates:lists") + f"?{MONTH}&kind=companies"
    text = signed_in(client, world.office_city).get(url).content.decode()
    assert "劣质物业" in text
    assert "黑榜" in text
    assert "群众满意率 50.0% &lt; 80.0%" in text
    projects = client.get(reverse("demand_rates:lists") + f"?{MONTH}&kind=projects").content.decode()
    assert "幸福小区" in projects


def test_lists_of_units_mark_red_and_black(client: Client, world: World, october: Company) -> None:
    text = signed_in(client, world.office_city).get(reverse("demand_rates:lists") + "?" + MONTH).content.decode()
    assert "黑榜 1 个，红榜 1 个" in text


def test_exports_are_excel_with_the_same_figures(client: Client, world: World, october: Company) -> None:
    signed_in(client, world.office_city)
    ranking = client.get(reverse("demand_rates:ranking_export") + "?" + MONTH)
    assert ranking["Content-Type"].endswith("spreadsheetml.sheet")
    rows = sheet_rows(ranking.getvalue())
    assert rows[0][:3] == ("排名", "单位", "受理量")
    assert rows[1][:3] == (1, "西城区", 1)
    assert rows[2][1:7] == ("东城区", 2, 1, 1, 0.5, 0.825)  # rates are numbers shown as percents
    lists = client.get(reverse("demand_rates:lists_export") + f"?{MONTH}&kind=companies")
    assert sheet_rows(lists.getvalue())[1] == (
        "黑榜",
        "劣质物业",
        2,
        1,
        1,
        0.5,
        "群众满意率 50.0% < 80.0%",
    )


def test_district_office_sees_its_own_children_only(client: Client, world: World, october: Company) -> None:
    signed_in(client, world.office_a)
    text = client.get(reverse("demand_rates:ranking") + "?" + MONTH).content.decode()
    assert "东城街道" in text
    assert "西城区" not in text
    assert client.get(reverse("demand_rates:ranking") + f"?unit={world.district_b.pk}").status_code == 404
    assert client.get(reverse("demand_rates:lists") + "?unit=abc").status_code == 404


def test_users_without_demand_rights_are_refused(client: Client, world: World) -> None:
    for user in (world.liaison_a, world.secadmin, world.auditor):
        assert signed_in(client, user).get(reverse("demand_rates:ranking")).status_code == 403


def test_bad_month_and_kind_fall_back_to_defaults(client: Client, world: World) -> None:
    signed_in(client, world.office_city)
    response = client.get(reverse("demand_rates:lists") + "?month=<script>&kind=evil")
    assert response.status_code == 200
    assert response.context["kind"] == "units"
    assert "<script>" not in response.content.decode()
