"""Huge numbers, impossible dates and out-of-range time offsets in filters and ids are 400 (or 404), never 500.

The FilterSets are shared by the API, the list pages and the exports, so each case is asked of the API and of
the page that takes the same query parameter. PostgreSQL refuses out-of-range integers where SQLite does not:
both must answer the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
HUGE = "1" + "0" * 29  # 30 digits: more than any database integer
BAD_NUMBERS = ["1e30", HUGE, "-" + HUGE, "9223372036854775808", "NaN", "inf", "1.5"]

API_FILTERS = [
    ("figures", "report"),
    ("figures", "campaign"),
    ("units", "parent"),
    ("units", "within"),
    ("measures", "problem"),
    ("extensions", "problem"),
    ("problem-classes", "campaign"),
    ("demand-extensions", "demand"),
    ("problems", "unit"),
    ("problems", "campaign"),
    ("problems", "leader"),
    ("problems", "aspect"),
    ("demands", "unit"),
    ("demands", "category"),
    ("demands", "company"),
    ("reports", "campaign"),
    ("reports", "unit"),
]
DETAILS = ["units", "campaigns", "problems", "measures", "extensions", "demands", "demand-extensions", "reports"]
BAD_DATES = [
    ("problems", "deadline_before", "2026-02-30"),
    ("problems", "deadline_after", "99999-01-01"),
    ("demands", "received_after", "0000-01-01"),
    ("demands", "received_before", "9999-99-99"),
]


@pytest.fixture
def api(world: World) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.office_city).key}")
    return client


def refused(response: Any, field: str) -> None:
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize(("resource", "field"), API_FILTERS)
def test_bad_numbers_in_api_list_filters_are_400(api: APIClient, resource: str, field: str, value: str) -> None:
    refused(api.get(f"/api/v1/{resource}/", {field: value}), field)


def test_report_1e30_is_a_400_naming_the_filter(api: APIClient) -> None:
    response = api.get("/api/v1/figures/", {"report": "1e30"})
    assert response.status_code == 400
    assert list(response.json()) == ["report"]


@pytest.mark.parametrize("resource", DETAILS)
@pytest.mark.parametrize("key", [HUGE, "9223372036854775808", "0.5", "-1", "1e3"])
def test_huge_or_malformed_ids_in_api_urls_are_json_404(api: APIClient, resource: str, key: str) -> None:
    response = api.get(f"/api/v1/{resource}/{key}/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail", "code"}


@pytest.mark.parametrize(("resource", "field", "value"), BAD_DATES)
def test_impossible_dates_in_api_filters_are_400(api: APIClient, resource: str, field: str, value: str) -> None:
    refused(api.get(f"/api/v1/{resource}/", {field: value}), field)


PAGES = [
    ("/problems/", "office_a", {"unit": HUGE}, True),
    ("/problems/", "office_a", {"campaign": "1e30"}, True),
    ("/problems/", "office_a", {"leader": "9223372036854775808"}, True),
    ("/problems/", "office_a", {"deadline_after": "0001-01-01"}, True),
    ("/demands/", "office_a", {"unit": HUGE}, True),
    ("/demands/", "office_a", {"category": "1e30"}, True),
    ("/demands/", "office_a", {"received_before": "9999-12-31"}, True),
    ("/reports/", "office_a", {"campaign": HUGE}, False),
    ("/orgs/", "office_a", {"q": "东", "parent": "1e30"}, True),
    ("/orgs/", "office_a", {"q": "东", "within": HUGE}, True),
    ("/audit/", "auditor", {"date_to": "9999-12-31"}, False),
    ("/audit/", "auditor", {"date_from": "0001-01-01", "date_to": "9999-12-31"}, False),
]


@pytest.mark.parametrize(("address", "who", "params", "warned"), PAGES)
def test_list_pages_sharing_the_filters_ignore_bad_numbers_with_a_warning(
    world: World, address: str, who: str, params: dict[str, str], warned: bool
) -> None:
    client = Client()
    verified_login(client, getattr(world, who))
    response = client.get(address, params)
    assert response.status_code == 200
    assert ("无效，已忽略" in response.content.decode()) is warned
