"""A NUL character in a page's query or form data is a 400 that names it, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.orgs.models import Unit
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(world: World) -> Client:
    client = Client()
    verified_login(client, world.office_city)
    return client


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("accounts:unit_search", {"q": "东\x00城"}),
        ("study:group_list", {"q": "\x00"}),
        ("problems:list", {"x\x00": "1"}),
    ],
)
def test_a_nul_in_the_query_is_a_400_saying_why(office: Client, name: str, params: dict[str, str]) -> None:
    response = office.get(reverse(name), params)
    assert response.status_code == 400
    assert "无效字符（NUL）" in response.content.decode()


def test_a_nul_in_form_data_is_refused_and_nothing_is_stored(world: World, office: Client) -> None:
    units = Unit.objects.count()
    response = office.post(
        reverse("orgs:create_child", args=[world.city.pk]), {"name": "新\x00单位", "code": "N001", "kind": 1}
    )
    assert response.status_code == 400
    assert Unit.objects.count() == units


def test_the_same_query_without_nul_is_served(office: Client) -> None:
    assert office.get(reverse("study:group_list"), {"q": "东城"}).status_code == 200


def test_the_api_answers_nul_itself(world: World) -> None:
    client = Client()
    verified_login(client, world.office_city)
    response = client.get("/api/v1/problems/", {"q": "\x00"})
    assert response.status_code in (200, 400)
    assert response["Content-Type"].startswith("application/json")
