"""The page scope matrix: every page of the URLconf, out of scope, anonymous, in scope and across roles.

Cases come from ``luoshi.testing.scope_matrix``; ``tests/test_meta.py`` makes sure every route has one.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.testing.scope_matrix import (
    CLOSED_AREAS,
    FORM_DATA,
    PAGE_LISTS,
    PAGE_OBJECTS,
    Seed,
    area_of,
    database_footprint,
    missing_kwargs,
    response_text,
)
from luoshi.testing.twofactor import verified_login

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
PAGES = sorted({*PAGE_OBJECTS, *PAGE_LISTS})
METHODS = ("get", "post")


@pytest.fixture
def seed(world: Any) -> Seed:
    return Seed(world)


def send(client: Client, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.get(url) if method == "get" else client.post(url, data or {})


def signed_in(seed: Seed, usernames: tuple[str, ...] | list[str]) -> dict[str, Client]:
    """One client per user, all signed in before anything is measured (signing in is audited)."""
    clients = {username: Client() for username in usernames}
    for username, client in clients.items():
        verified_login(client, seed.user(username))
    return clients


def fetch(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    """GET the page, or POST to it when it answers only POST."""
    response = client.get(url)
    return client.post(url, data or {}) if response.status_code == 405 else response


def target(seed: Seed, name: str) -> tuple[str, dict[str, Any]]:
    """The address of a page for district-A data, and the body to post to it."""
    if name in PAGE_OBJECTS:
        case = PAGE_OBJECTS[name](seed)
        return reverse(name, kwargs=case.kwargs), {**FORM_DATA, **case.data}
    query = PAGE_LISTS[name].queries[0].format_map(seed.ids())
    return reverse(name) + (f"?{query}" if query else ""), dict(FORM_DATA)


@pytest.mark.parametrize("name", sorted(PAGE_OBJECTS))
def test_outsider_is_answered_as_if_the_object_did_not_exist(seed: Seed, name: str) -> None:
    case = PAGE_OBJECTS[name](seed)
    url, missing = reverse(name, kwargs=case.kwargs), reverse(name, kwargs=missing_kwargs(case.kwargs))
    data, clients = {**FORM_DATA, **case.data}, signed_in(seed, case.outsiders)
    before = database_footprint()
    answers = {user: {m: send(c, m, url, data).status_code for m in METHODS} for user, c in clients.items()}
    assert database_footprint() == before, f"{', '.join(clients)} changed data through {url}"
    for username, client in clients.items():
        like_missing = {method: send(client, method, missing, data).status_code for method in METHODS}
        got = answers[username]
        assert got == like_missing, f"{username} tells {url} from a missing object: {got} {like_missing}"
        assert case.refused in got.values(), f"{username} got {got} at {url}"
        assert set(got.values()) <= {case.refused, 405}, f"{username} got {got} at {url}"


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_login(client: Client, seed: Seed, name: str) -> None:
    url, data = target(seed, name)
    before = database_footprint()
    for method in METHODS:
        response = send(client, method, url, data)
        assert response.status_code == 302, f"{method} {url}: {response.status_code}"
        assert response["Location"].startswith(LOGIN), f"{method} {url} → {response['Location']}"
    assert database_footprint() == before


@pytest.mark.parametrize("name", sorted(PAGE_OBJECTS))
def test_insider_with_the_right_role_is_served(client: Client, seed: Seed, name: str) -> None:
    case = PAGE_OBJECTS[name](seed)
    url = reverse(name, kwargs=case.kwargs)
    verified_login(client, seed.user(case.insider))
    response = fetch(client, url, {**FORM_DATA, **case.data})
    assert response.status_code not in (403, 404), f"{case.insider} refused at {url}"
    assert response.status_code < 500


@pytest.mark.parametrize("name", sorted(PAGE_LISTS))
def test_list_shows_no_outsider_anything_of_district_a(client: Client, seed: Seed, name: str) -> None:
    case = PAGE_LISTS[name]
    markers, ids = seed.everything().markers(), seed.ids()
    urls = [reverse(name) + (f"?{q.format_map(ids)}" if q else "") for q in case.queries]
    for username in case.viewers:
        verified_login(client, seed.user(username))
        for url in urls:
            response = fetch(client, url)
            assert response.status_code < 500, url
            text = response_text(response)
            leaked = [m for m in markers if m in text]
            assert not leaked, f"{username} sees {leaked} at {url}"
    if case.insider is not None:
        verified_login(client, seed.user(case.insider))
        texts = [response_text(fetch(client, url)) for url in urls]
        assert any(m in text for m in markers for text in texts), f"{case.insider} sees no district-A data at {urls}"


def refused_roles(name: str) -> list[str]:
    return [role for role, closed in CLOSED_AREAS.items() if area_of(name) in closed]


@pytest.mark.parametrize("name", [name for name in PAGES if refused_roles(name)])
def test_separated_roles_are_refused_outside_their_area(seed: Seed, name: str) -> None:
    """三权分立: the security admin sees no campaign data and no audit log, the auditor no campaign data
    and no accounts; both hold their role on the city, so only the role can refuse them."""
    url, data = target(seed, name)
    clients = signed_in(seed, refused_roles(name))
    before = database_footprint()
    answers = {role: {m: send(c, m, url, data).status_code for m in METHODS} for role, c in clients.items()}
    assert database_footprint() == before, f"{', '.join(clients)} changed data through {url}"
    for role, got in answers.items():
        assert set(got.values()) <= {403, 404, 405}, f"{role} got {got} at {url}"
        assert set(got.values()) != {405}, f"{role} at {url}"
