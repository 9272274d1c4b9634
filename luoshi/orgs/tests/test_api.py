"""The read-only unit API: scoped list and retrieve, filters, a clean OpenAPI schema."""

from __future__ import annotations

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from luoshi.orgs.models import UnitKind
from luoshi.orgs.services import create_unit

URL = "/api/v1/units/"


@pytest.fixture
def api(world):
    kind = UnitKind.objects.get(name="村社区")
    create_unit(None, name="一村", code="V1", kind=kind, parent=world.street_a, member_count=3)
    create_unit(None, name="二村", code="V2", kind=kind, parent=world.street_a)
    client = APIClient()
    client.force_authenticate(world.office_a)
    return client


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [u["code"] for u in response.json()["results"]]


def test_list_is_limited_to_scope_in_path_order(api):
    assert codes(api.get(URL)) == ["D001", "S001", "V1", "V2"]


def test_retrieve_fields(api, world):
    body = api.get(f"{URL}{world.street_a.pk}/").json()
    assert body["code"] == "S001"
    assert (body["kind"], body["kind_name"]) == ("street", "乡镇街道")
    assert (body["parent"], body["parent_code"]) == (world.district_a.pk, "D001")
    assert (body["path"], body["level"]) == (world.street_a.path, 3)


def test_out_of_scope_unit_is_404_like_a_missing_one(api, world):
    assert api.get(f"{URL}{world.district_b.pk}/").status_code == 404
    assert api.get(f"{URL}{world.city.pk}/").status_code == 404
    assert api.get(f"{URL}999999/").status_code == 404


def test_filters(api, world):
    assert codes(api.get(URL, {"within": world.street_a.pk})) == ["S001", "V1", "V2"]
    assert codes(api.get(URL, {"parent": world.street_a.pk})) == ["V1", "V2"]
    assert codes(api.get(URL, {"q": "二"})) == ["V2"]
    assert codes(api.get(URL, {"kind": "community"})) == ["V1", "V2"]
    assert codes(api.get(URL, {"within": world.street_a.pk, "q": "一"})) == ["V1"]


def test_within_a_unit_outside_scope_gives_nothing(api, world):
    assert codes(api.get(URL, {"within": world.district_b.pk})) == []
    assert codes(api.get(URL, {"within": world.city.pk})) == []


def test_anonymous_is_refused(world):
    assert APIClient().get(URL).status_code in (401, 403)


def test_schema_of_unit_api_has_no_warnings():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("luoshi.orgs.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    assert "/api/v1/units/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/units/"]["get"]["parameters"]}
    assert {"within", "parent", "q", "kind", "page"} <= params
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
