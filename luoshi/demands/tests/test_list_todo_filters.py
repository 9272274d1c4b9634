"""The demand list's yes/no filters say 全部 (not 未知) for "no filter", and its to-do filters list their tickets."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.demands import services
from luoshi.demands.tests.lifecycle import dispatched, received, signed
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
LIST = reverse("demands:list")


def test_yes_no_filters_offer_all_not_unknown(client: Client, world: World) -> None:
    received(world)
    verified_login(client, world.dispatcher_city)
    html = client.get(LIST).content.decode()
    assert "未知" not in html
    assert "---------" not in html
    for name in ("late", "escalated"):
        select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
        assert select is not None
        assert re.search(r'<option value="unknown" selected>全部</option>', select.group(1))
    assert client.get(LIST, {"late": "unknown", "escalated": "unknown"}).context["page"].count == 1


def test_to_do_filters_of_the_list(client: Client, world: World) -> None:
    back = dispatched(world)
    services.return_demand(world.handler_a, back, reason="不属于本单位")
    received(world)
    redone = signed(world)
    verified_login(client, world.dispatcher_city)
    returned = client.get(LIST, {"todo": "returned"}).context["page"]
    assert [d.pk for d in returned] == [back.pk]
    assert redone.pk not in [d.pk for d in client.get(LIST, {"todo": "redone"}).context["page"]]
    assert client.get(LIST, {"todo": "nonsense"}).status_code == 200
