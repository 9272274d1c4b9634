"""The lecture API: the menu with its figures, ordering, the one actions endpoint, a double booking's 409, bad
numbers answered 400, scope."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.lectures.choices import OrderState
from luoshi.lectures.tests.factory import campaign, category, fresh, in_state, item, ordered, speaker
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
ITEMS = "/api/v1/lecture-items/"
ORDERS = "/api/v1/lecture-orders/"


@pytest.fixture(autouse=True)
def speakers(world: World) -> None:
    speaker(world)


def api(user: Any) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def act(user: Any, order: Any, name: str, **data: Any) -> Any:
    return api(user).post(f"{ORDERS}{order.pk}/actions/{name}/", data, format="json")


def test_the_office_creates_and_updates_items_others_may_not(world: World) -> None:
    body = {"category": category(world).pk, "title": "共同富裕的基层实践", "speaker_number": speaker(world).number}
    created = api(world.office_a).post(ITEMS, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["figures"] == {"orders": 0, "held": 0, "listeners": 0, "rating": None, "ratings": 0}
    assert api(world.liaison_a).post(ITEMS, {**body, "title": "x"}, format="json").status_code == 403
    bad = api(world.office_a).post(ITEMS, {**body, "title": "y", "speaker_number": "NOPE"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "speaker"
    url = f"{ITEMS}{created.json()['id']}/"
    changed = api(world.office_a).put(url, {**body, "title": "共同富裕", "minutes": 45}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["minutes"]) == ("共同富裕", 45)
    assert api(world.liaison_a).put(url, body, format="json").status_code == 403
    assert api(world.liaison_b).get(url).status_code == 404
    assert api(world.secadmin).get(ITEMS).status_code == 403


@pytest.mark.parametrize("minutes", [0, 481, "abc", 1e30, -1])
def test_bad_minutes_are_400(world: World, minutes: Any) -> None:
    body = {"category": category(world).pk, "title": "题", "speaker_number": speaker(world).number, "minutes": minutes}
    assert api(world.office_a).post(ITEMS, body, format="json").status_code == 400


def test_an_order_goes_the_whole_way_through_the_api(world: World) -> None:
    chosen = item(world)
    body = {"item": chosen.pk, "unit": world.street_a.pk, "wished_date": "2026-06-03", "wished_half": "pm"}
    created = api(world.liaison_a).post(ORDERS, body, format="json")
    assert created.status_code == 201, created.json()
    order = created.json()
    assert order["state"] == OrderState.ORDERED
    assert order["speaker"] == chosen.speaker_id
    assert order["allowed_actions"] == ["cancel"]
    pk = order["id"]
    assert api(world.office_a).get(f"{ORDERS}{pk}/").json()["allowed_actions"] == ["dispatch"]
    stale = api(world.office_a).post(f"{ORDERS}{pk}/actions/dispatch/", {"version": 9}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    steps = [
        (world.office_a, "dispatch", {"version": 1}),
        (world.speaker_a, "accept", {}),
        (world.speaker_a, "hold", {"listeners": 260}),
        (world.liaison_a, "rate", {"rating": 4, "comment": "接地气"}),
    ]
    for user, name, data in steps:
        answer = api(user).post(f"{ORDERS}{pk}/actions/{name}/", data, format="json")
        assert answer.status_code == 200, (name, answer.json())
    final = api(world.liaison_a).get(f"{ORDERS}{pk}/").json()
    assert (final["state"], final["date"], final["half"]) == (OrderState.RATED, "2026-06-03", "pm")
    assert (final["listeners"], final["rating"]) == (260, 4)
    listed = api(world.liaison_b).get(ITEMS).json()
    assert chosen.pk not in [row["id"] for row in listed["results"]]
    figures = api(world.liaison_a).get(f"{ITEMS}{chosen.pk}/").json()["figures"]
    assert figures == {"orders": 1, "held": 1, "listeners": 260, "rating": 4.0, "ratings": 1}


def test_a_double_booking_is_409_with_the_clash(world: World) -> None:
    chosen = item(world)
    first = in_state(world, OrderState.ACCEPTED, on=chosen)
    second = fresh(ordered(world, on=chosen, when=(first.date, first.half)))
    answer = act(world.office_a, second, "dispatch")
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "speaker_booked"
    assert (body["order"], body["date"], body["half"]) == (first.pk, f"{first.date:%Y-%m-%d}", first.half)
    assert body["speaker"] == chosen.speaker_id
    assert "不能重复派单" in body["detail"]
    assert fresh(second).state == OrderState.ORDERED
    other = "pm" if first.half != "pm" else "am"
    assert act(world.office_a, second, "dispatch", half=other).status_code == 200


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("hold", {}),
        ("hold", {"listeners": 0}),
        ("hold", {"listeners": "many"}),
        ("hold", {"listeners": 1e30}),
        ("hold", {"listeners": 10_001}),
        ("hold", {"listeners": 12.5}),
    ],
)
def test_listeners_are_required_and_bad_numbers_are_400(world: World, name: str, data: dict[str, Any]) -> None:
    order = in_state(world, OrderState.ACCEPTED)
    answer = act(world.speaker_a, order, name, **data)
    assert answer.status_code == 400, answer.json()
    assert fresh(order).state == OrderState.ACCEPTED


@pytest.mark.parametrize("rating", [0, 6, "five", None, 2.5, 10**20])
def test_a_rating_out_of_range_is_400(world: World, rating: Any) -> None:
    order = in_state(world, OrderState.HELD)
    answer = act(world.liaison_a, order, "rate", rating=rating)
    assert answer.status_code == 400
    assert fresh(order).state == OrderState.HELD


def test_bad_ids_and_filters_are_400_or_404_and_unknown_actions_404(world: World) -> None:
    order = in_state(world, OrderState.ORDERED)
    client = api(world.office_a)
    assert client.get(ORDERS, {"speaker": "abc"}).status_code == 400
    assert client.get(ORDERS, {"unit": "1e9"}).status_code == 400
    assert client.get(ORDERS, {"date_from": "2026-13-01"}).status_code == 400
    assert client.get(ITEMS, {"campaign": "x"}).status_code == 400
    assert client.get(f"{ORDERS}0.5/").status_code == 404
    assert client.get(f"{ORDERS}{'9' * 30}/").status_code == 404
    assert client.post(f"{ORDERS}{order.pk}/actions/fly/", {}, format="json").status_code == 404
    bad_date = {"item": order.item_id, "unit": world.street_a.pk, "wished_date": "2026-02-30", "wished_half": "am"}
    assert api(world.liaison_a).post(ORDERS, bad_date, format="json").status_code == 400
    assert api(world.liaison_a).post(ORDERS, {**bad_date, "item": "1e30"}, format="json").status_code == 400


def test_scope_out_of_district_is_404_and_a_speaker_sees_only_their_own(world: World) -> None:
    order = in_state(world, OrderState.DISPATCHED)
    assert api(world.liaison_b).get(f"{ORDERS}{order.pk}/").status_code == 404
    assert act(world.office_b, order, "cancel").status_code == 404
    assert act(world.speaker_b, order, "accept").status_code == 404
    assert act(world.speaker_other, order, "accept").status_code == 404
    mine = api(world.speaker_a).get(ORDERS, {"mine": "true"}).json()
    assert [row["id"] for row in mine["results"]] == [order.pk]
    assert mine["results"][0]["allowed_actions"] == ["accept", "decline"]
    assert act(world.liaison_a, order, "accept").status_code == 403
    outside = {"item": order.item_id, "unit": world.district_b.pk, "wished_date": "2026-06-01", "wished_half": "am"}
    assert api(world.liaison_a).post(ORDERS, outside, format="json").status_code == 400
    assert campaign(world).unit == world.district_a
