"""The API scope matrix: every route of the API routers, every method, out of scope, anonymous, in scope
and across roles, with token authentication. Cases come from ``luoshi.testing.scope_matrix``."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.testing.scope_matrix import (
    API_LISTS,
    API_OBJECTS,
    CLOSED_AREAS,
    MISSING_ID,
    Seed,
    area_of,
    database_footprint,
    missing_kwargs,
    response_text,
    routes,
)

pytestmark = pytest.mark.django_db
APIS = sorted({*API_OBJECTS, *API_LISTS})


@pytest.fixture
def seed(world: Any) -> Seed:
    return Seed(world)


def api_client(seed: Seed, username: str | None) -> APIClient:
    """A client that authenticates with the user's API token, or an anonymous one."""
    client = APIClient()
    if username is not None:
        token, _ = Token.objects.get_or_create(user=seed.user(username))
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def call(client: APIClient, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data or {}, format="json")


def ids(response: Any) -> set[int]:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


def target(seed: Seed, name: str) -> tuple[str, dict[str, Any]]:
    """The address of a route for district-A data, and the body of its writes."""
    if name in API_OBJECTS:
        case = API_OBJECTS[name](seed)
        return reverse(name, kwargs=case.kwargs), case.data
    data = API_LISTS[name].data
    return reverse(name), data(seed) if data else {}


@pytest.mark.parametrize("name", sorted(API_OBJECTS))
def test_outsider_gets_404_as_for_a_missing_object(seed: Seed, name: str) -> None:
    case, methods = API_OBJECTS[name](seed), routes()[name].api_methods
    url, missing = reverse(name, kwargs=case.kwargs), reverse(name, kwargs=missing_kwargs(case.kwargs))
    clients = {username: api_client(seed, username) for username in case.outsiders}
    before = database_footprint()
    for username, client in clients.items():
        for method in methods:
            answer, like_missing = call(client, method, url, case.data), call(client, method, missing, case.data)
            assert answer.status_code == case.refused, f"{username} {method} {url}: {answer.status_code}"
            assert answer.json() == like_missing.json(), f"{username} tells {url} from a missing object"
    assert database_footprint() == before, f"{', '.join(clients)} changed data through {url}"


@pytest.mark.parametrize("name", APIS)
def test_anonymous_is_refused(seed: Seed, name: str) -> None:
    url, data = target(seed, name)
    client = api_client(seed, None)
    before = database_footprint()
    for method in routes()[name].api_methods:
        answer = call(client, method, url, data)
        assert answer.status_code in (401, 403), f"{method} {url}: {answer.status_code}"
    assert database_footprint() == before


@pytest.mark.parametrize("name", sorted(API_OBJECTS))
def test_insider_with_the_right_role_is_served(seed: Seed, name: str) -> None:
    case = API_OBJECTS[name](seed)
    url = reverse(name, kwargs=case.kwargs)
    client = api_client(seed, case.insider)
    for method in routes()[name].api_methods:
        answer = call(client, method, url, case.data)
        assert answer.status_code not in (401, 403, 404), f"{case.insider} {method} {url}: {answer.content!r}"
        assert answer.status_code < 500


@pytest.mark.parametrize("name", sorted(API_LISTS))
def test_list_holds_only_rows_in_scope(seed: Seed, name: str) -> None:
    case = API_LISTS[name]
    markers, rows, url = seed.everything().markers(), case.rows(seed), reverse(name)
    for username in case.outsiders:
        answer = api_client(seed, username).get(url)
        assert answer.status_code == 200, f"{username}: {answer.status_code}"
        assert not ids(answer) & rows, f"{username} lists district-A rows at {url}"
        text = response_text(answer)
        assert not [m for m in markers if m in text], f"{username} reads district-A data at {url}"
    assert ids(api_client(seed, case.insider).get(url)) & rows, f"{case.insider} lists no district-A row at {url}"


@pytest.mark.parametrize("name", sorted(API_LISTS))
def test_filter_by_an_outside_id_is_answered_as_for_a_missing_id(seed: Seed, name: str) -> None:
    case = API_LISTS[name]
    filters, rows, url = case.filters(seed), case.rows(seed), reverse(name)
    for username in case.outsiders:
        client = api_client(seed, username)
        for param, value in filters.items():
            answer, like_missing = client.get(url, {param: value}), client.get(url, {param: MISSING_ID})
            assert answer.status_code == like_missing.status_code, f"{username} ?{param}={value}: {answer.content!r}"
            if answer.status_code == 200:
                assert not ids(answer) & rows, f"{username} ?{param}={value}"


WRITABLE_LISTS = sorted(name for name, case in API_LISTS.items() if case.data is not None)


@pytest.mark.parametrize("name", WRITABLE_LISTS)
def test_create_naming_outside_objects_is_answered_as_for_missing_ones(seed: Seed, name: str) -> None:
    case = API_LISTS[name]
    assert case.data is not None
    assert case.refs
    data, url = case.data(seed), reverse(name)
    missing = {**data, **dict.fromkeys(case.refs, MISSING_ID)}
    clients = {username: api_client(seed, username) for username in case.outsiders}
    before = database_footprint()
    for username, client in clients.items():
        answer, like_missing = client.post(url, data, format="json"), client.post(url, missing, format="json")
        assert answer.status_code in (400, 403, 404), f"{username}: {answer.status_code} {answer.content!r}"
        assert answer.status_code == like_missing.status_code, f"{username} tells district-A ids from missing ones"
        assert sorted(answer.json()) == sorted(like_missing.json())
    assert database_footprint() == before, f"{', '.join(clients)} created through {url}"
    created = api_client(seed, case.insider).post(url, data, format="json")
    assert created.status_code == 201, f"{case.insider}: {created.content!r}"


def refused_roles(name: str) -> list[str]:
    return [role for role, closed in CLOSED_AREAS.items() if area_of(name) in closed]


@pytest.mark.parametrize("name", [name for name in APIS if refused_roles(name)])
def test_separated_roles_are_refused(seed: Seed, name: str) -> None:
    """三权分立: neither the security admin nor the auditor reads or writes campaign data through the API."""
    url, data = target(seed, name)
    clients = {role: api_client(seed, role) for role in refused_roles(name)}
    before = database_footprint()
    for role, client in clients.items():
        for method in routes()[name].api_methods:
            answer = call(client, method, url, data)
            assert answer.status_code in (403, 404), f"{role} {method} {url}: {answer.status_code}"
    assert database_footprint() == before, f"{', '.join(clients)} changed data through {url}"
