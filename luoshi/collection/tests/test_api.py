"""The collection API: templates and versions, rounds with their counts, submissions and the one actions endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.collection.choices import State
from luoshi.collection.models import CollectionRound, CollectionTemplate
from luoshi.collection.tests.factory import FIELDS, GOOD, RULES, fresh, in_state, make_template, open_round, submission
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def act(user: Any, item: Any, name: str, **data: Any) -> Any:
    return api(user).post(f"/api/v1/collection-submissions/{item.pk}/actions/{name}/", data, format="json")


def test_templates_are_created_listed_and_versioned(world: World) -> None:
    body = {
        "campaign": world.campaign.pk,
        "unit": world.district_a.pk,
        "name": "每周工作调度表",
        "cycle": "weekly",
        "target_kind": "street",
        "fields": FIELDS,
        "rules": RULES,
    }
    created = api(world.office_a).post("/api/v1/collection-templates/", body, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["fields"][0]["key"] == "found"
    assert api(world.liaison_a).post("/api/v1/collection-templates/", body, format="json").status_code == 403
    assert api(world.office_b).post("/api/v1/collection-templates/", body, format="json").status_code == 400
    wrong = api(world.office_a).post("/api/v1/collection-templates/", {**body, "fields": []}, format="json")
    assert wrong.status_code == 400
    open_round(world, CollectionTemplate.objects.get(pk=pk))
    revised = api(world.office_a).post(f"/api/v1/collection-templates/{pk}/new-version/", body, format="json")
    assert revised.status_code == 201
    assert revised.json()["number"] == 2
    assert revised.json()["family"] == pk
    listed = api(world.liaison_a).get("/api/v1/collection-templates/", {"current": "true"}).json()
    assert [t["number"] for t in listed["results"]] == [2]
    assert api(world.office_b).get(f"/api/v1/collection-templates/{pk}/").status_code == 404
    assert api(world.office_a).get("/api/v1/collection-templates/0.5/").status_code == 404
    assert api(world.office_a).get("/api/v1/collection-templates/", {"campaign": "abc"}).status_code == 400


def test_rounds_are_opened_with_the_next_period_and_counted(world: World) -> None:
    template = make_template(world)
    opened = api(world.office_a).post("/api/v1/collection-rounds/", {"template": template.pk}, format="json")
    assert opened.status_code == 201, opened.json()
    body = opened.json()
    assert "年第" in body["period_label"]
    assert body["counts"]["pending"] == 1
    assert body["counts"]["total"] == 1
    round_ = CollectionRound.objects.get()
    services_item = submission(world, round_)
    act(world.liaison_a, services_item, "submit", values=GOOD)
    shown = api(world.office_a).get(f"/api/v1/collection-rounds/{round_.pk}/").json()
    assert shown["counts"]["submitted"] == 1
    assert api(world.office_b).get(f"/api/v1/collection-rounds/{round_.pk}/").status_code == 404
    assert api(world.office_b).get("/api/v1/collection-rounds/").json()["results"] == []
    again = api(world.office_a).post("/api/v1/collection-rounds/", {"template": template.pk}, format="json")
    assert again.status_code == 201  # the following week
    refused = api(world.office_b).post("/api/v1/collection-rounds/", {"template": template.pk}, format="json")
    assert refused.status_code == 400  # a template out of sight does not exist


def test_the_actions_endpoint_moves_a_submission(world: World) -> None:
    item = submission(world)
    saved = act(world.liaison_a, item, "save", values={"found": 2}, version=item.version)
    assert saved.status_code == 200
    assert saved.json()["state"] == State.DRAFT
    assert "submit" in saved.json()["allowed_actions"]
    invalid = act(world.liaison_a, item, "submit")
    assert invalid.status_code == 400
    assert "主要做法" in invalid.json()["detail"]
    assert act(world.liaison_a, item, "submit", values=GOOD, version=1).status_code == 409
    assert act(world.liaison_a, item, "submit", values=GOOD).json()["state"] == State.SUBMITTED
    assert act(world.liaison_a, item, "accept").status_code == 403
    assert act(world.office_b, item, "accept").status_code == 404
    assert act(world.office_a, item, "return", reason="").status_code == 400
    assert act(world.office_a, item, "return", reason="重报").json()["state"] == State.RETURNED
    assert act(world.office_a, item, "fly").status_code == 404
    listed = api(world.liaison_a).get("/api/v1/collection-submissions/", {"todo": "returned"}).json()
    assert [r["id"] for r in listed["results"]] == [item.pk]
    assert api(world.liaison_a).get("/api/v1/collection-submissions/", {"round": "x"}).status_code == 400
    accepted = in_state(world, State.ACCEPTED)
    assert fresh(accepted).state == State.ACCEPTED


def test_the_collection_api_is_in_the_openapi_schema_without_warnings() -> None:
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("luoshi.collection.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    assert set(schema["paths"]) == {
        "/api/v1/collection-templates/",
        "/api/v1/collection-templates/{id}/",
        "/api/v1/collection-templates/{id}/new-version/",
        "/api/v1/collection-rounds/",
        "/api/v1/collection-rounds/{id}/",
        "/api/v1/collection-submissions/",
        "/api/v1/collection-submissions/{id}/",
        "/api/v1/collection-submissions/{id}/actions/{name}/",
        "/api/v1/collection-submissions/{id}/urge/",
    }
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
    actions = schema["paths"]["/api/v1/collection-submissions/{id}/actions/{name}/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(actions["responses"])


def test_a_nul_character_anywhere_in_the_input_is_a_400(world: World) -> None:
    body = {
        "campaign": world.campaign.pk,
        "unit": world.district_a.pk,
        "name": "每周工作调度表",
        "cycle": "weekly",
        "target_kind": "st\x00reet",
        "fields": FIELDS,
        "rules": RULES,
    }
    refused = api(world.office_a).post("/api/v1/collection-templates/", body, format="json")
    assert refused.status_code == 400
    assert "NUL" in str(refused.json())
    assert not CollectionTemplate.objects.exists()
    item = submission(world)
    assert act(world.liaison_a, item, "save", values={"practice": "入户\x00走访"}).status_code == 400
    assert fresh(item).values == item.values
