"""Property-based fuzzing of the whole REST API with schemathesis, against the schema the app serves.

Every operation gets a bounded, reproducible number of generated requests (valid and invalid) as a
campaign office at the city; no answer may be a server error, and every answer must be documented
(status code and body) by the OpenAPI schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from luoshi.testing.world import World

_handler = get_wsgi_application()


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Django's WSGI app inside the test's transaction: no connection is closed between requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = _handler(environ, start_response)
        body = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return [body]


schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]


@pytest.fixture
def token(world: World) -> str:
    return Token.objects.create(user=world.office_city).key


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_api_operation_never_fails_and_answers_as_documented(case: Any, token: str) -> None:
    response = case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
    assert response.status_code < 500
