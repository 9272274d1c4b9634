"""Search terms read straight from a request lose NUL (PostgreSQL text cannot hold it) and are still searched."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_unit_search_is_dropped_and_the_rest_is_searched(world: World) -> None:
    client = Client()
    verified_login(client, world.secadmin)
    response = client.get(reverse("accounts:unit_search"), {"unit": "东\x00城"})
    assert response.status_code == 200
    assert "东城区" in response.content.decode()
    assert "西城区" not in response.content.decode()


def test_a_nul_in_the_study_group_search_is_served(world: World) -> None:
    client = Client()
    verified_login(client, world.office_city)
    assert client.get(reverse("study:group_list"), {"q": "\x00"}).status_code == 200
