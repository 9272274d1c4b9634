"""The OpenAPI schema of the problems API, and the pages that show it."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from luoshi.testing.world import World

PATHS = {
    "/api/v1/problems/",
    "/api/v1/problems/{id}/",
    "/api/v1/problems/{id}/claim/",
    "/api/v1/problems/{id}/request-closure/",
    "/api/v1/problems/{id}/approve-closure/",
    "/api/v1/problems/{id}/send-back/",
    "/api/v1/problems/{id}/reopen/",
    "/api/v1/problems/{id}/extensions/",
    "/api/v1/problems/{id}/progress/",
    "/api/v1/problems/{id}/events/",
    "/api/v1/problems/{id}/urge/",
    "/api/v1/measures/",
    "/api/v1/measures/{id}/",
    "/api/v1/measures/{id}/complete/",
    "/api/v1/extensions/",
    "/api/v1/extensions/{id}/",
    "/api/v1/extensions/{id}/approve/",
    "/api/v1/extensions/{id}/reject/",
    "/api/v1/problem-classes/",
    "/api/v1/problem-classes/{id}/",
}


def test_problems_api_schema_has_no_warnings() -> None:
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("luoshi.problems.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    assert set(schema["paths"]) == PATHS
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
    problems = schema["paths"]["/api/v1/problems/{id}/"]
    assert set(problems) == {"get", "patch"}
    patch_body = problems["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "version" in schema["components"]["schemas"][patch_body.rsplit("/", 1)[-1]]["properties"]
    assert "必须提交 version" in problems["patch"]["description"]
    progress = schema["paths"]["/api/v1/problems/{id}/progress/"]["post"]["requestBody"]["content"]
    assert set(progress) == {"multipart/form-data"}
    claim = schema["paths"]["/api/v1/problems/{id}/claim/"]["post"]["responses"]
    assert {"200", "400", "403", "404", "409"} <= set(claim)


def test_schema_endpoint_serves_the_problem_paths(world: World) -> None:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert set(response.json()["paths"]) >= PATHS


def test_docs_page_renders(world: World) -> None:
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    script = APIClient().get("/api/docs/?script=")  # a static script, as the Content-Security-Policy wants
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()
