"""Suggestion rates on hand-computed cases (frozen clock), the drill-down, the page, the export and the API."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from luoshi.suggestions import rates, services
from luoshi.suggestions.choices import Adoption, SuggestionCategory
from luoshi.suggestions.models import Suggestion
from luoshi.suggestions.tests.factory import make_suggestion
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.date(2026, 3, 2)
DEADLINE = START + dt.timedelta(days=5)
TODAY = START + dt.timedelta(days=10)
PAGE = reverse("suggestions:rates")
EXPORT = reverse("suggestions:rates_export")
API = reverse("suggestion-rates-list")


def at(day: dt.date, hour: int = 9, minute: int = 0) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI), tick=False)


def referred(world: World, title: str, unit: object, deadline: dt.date = DEADLINE) -> Suggestion:
    office = world.office_city
    with at(START):
        s = make_suggestion(world, title=title, campaign=world.campaign)
        s = services.triage_suggestion(office, s, category=SuggestionCategory.GOVERNANCE)
        return services.refer_suggestion(office, s, unit=unit, deadline=deadline)  # type: ignore[arg-type]


def answer(world: World, s: Suggestion, day: dt.date, hour: int = 10, minute: int = 0) -> Suggestion:
    with at(day, hour, minute):
        return services.answer_suggestion(world.liaison_a, s, text="已研究落实。", public=True)


def decide(world: World, s: Suggestion, adoption: str) -> Suggestion:
    with at(TODAY - dt.timedelta(days=1)):
        return services.decide_suggestion(world.office_city, s, adoption=adoption, reason="认定说明")


@pytest.fixture
def case(world: World) -> World:
    """4 referred in 东城区 (3 answered, 2 of them on time, the fourth overdue; 2 decided, 1 adopted), 1 referred
    to 西城区 and not yet due, 1 answered by the office without a referral (in nobody's figures)."""
    s1 = referred(world, "建议一：街道", world.street_a)
    s2 = referred(world, "建议二：街道", world.street_a)
    s3 = referred(world, "建议三：区本级", world.district_a)
    referred(world, "建议四：街道超期", world.street_a)
    referred(world, "建议五：西城未到期", world.district_b, deadline=START + dt.timedelta(days=20))
    decide(world, answer(world, s1, START + dt.timedelta(days=2)), Adoption.PARTIAL)
    answer(world, s2, DEADLINE, 23, 30)  # late in the evening of the deadline, local time: still on time
    decide(world, answer(world, s3, START + dt.timedelta(days=8)), Adoption.NONE)
    with at(START):
        s6 = make_suggestion(world, title="建议六：办公室直接答复", campaign=world.campaign)
        s6 = services.triage_suggestion(world.office_city, s6, category=SuggestionCategory.GOVERNANCE)
        services.answer_suggestion(world.office_city, s6, text="办公室答复。")
    return world


def test_the_hand_computed_case(case: World) -> None:
    counts = rates.rates_for(case.campaign, case.district_a, TODAY)
    assert counts == rates.Counts(referred=4, answered=3, on_time=2, due=4, overdue=1, decided=2, adopted=1)
    assert (counts.reply_rate, counts.on_time_rate, counts.adoption_rate) == (
        Fraction(3, 4),
        Fraction(1, 2),
        Fraction(1, 2),
    )


def test_the_drill_down_folds_children_and_the_own_level(case: World) -> None:
    total, rows = rates.drill_down(case.campaign, case.district_a, TODAY)
    assert total.referred == 4
    own, street = rows
    assert (own.name, own.unit) == ("本级", None)
    assert own.counts == rates.Counts(referred=1, answered=1, on_time=0, due=1, overdue=0, decided=1, adopted=0)
    assert street.unit == case.street_a
    assert street.counts == rates.Counts(referred=3, answered=2, on_time=2, due=3, overdue=1, decided=1, adopted=1)
    assert street.counts.on_time_rate == Fraction(2, 3)


def test_the_city_counts_referrals_only_and_not_yet_due_is_not_judged(case: World) -> None:
    total, rows = rates.drill_down(case.campaign, case.city, TODAY)
    assert total.referred == 5
    assert total.answered == 3
    assert total.due == 4
    by_name = {r.name: r for r in rows}
    assert [r.name for r in rows] == ["东城区", "西城区"]
    assert by_name["东城区"].has_children
    assert not by_name["西城区"].has_children
    west = by_name["西城区"].counts
    assert (west.referred, west.due, west.on_time_rate, west.reply_rate, west.adoption_rate) == (1, 0, None, 0, None)
    # on the day before the deadline nothing unanswered is overdue yet
    early = rates.rates_for(case.campaign, case.district_a, DEADLINE)
    assert (early.overdue, early.due) == (0, 3)


def test_nothing_referred_has_no_rates(world: World) -> None:
    counts = rates.rates_for(world.campaign, world.city)
    assert counts == rates.Counts()
    assert (counts.reply_rate, counts.on_time_rate, counts.adoption_rate) == (None, None, None)


def test_the_page_and_the_export(case: World, client: Client) -> None:
    verified_login(client, case.office_a)
    with at(TODAY):
        page = client.get(PAGE, {"campaign": case.campaign.pk})
        assert page.status_code == 200
        html = page.content.decode()
        for text in ("东城区", "东城街道", "75.0%", "50.0%", "本级"):
            assert text in html
        assert "西城区" not in html  # 东城办公室 sees its own district only
        book = client.get(EXPORT, {"campaign": case.campaign.pk, "unit": case.street_a.pk})
    data = b"".join(book.streaming_content)  # type: ignore[attr-defined]
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[-1][:4] == ("合计", 3, 2, pytest.approx(2 / 3))


def test_out_of_scope_units_and_campaigns_are_404_and_bad_ids_are_not_500(case: World, client: Client) -> None:
    verified_login(client, case.office_b)
    assert "东城" not in client.get(PAGE).content.decode()
    for query in ({"unit": case.district_a.pk}, {"unit": case.street_a.pk}, {"campaign": 987654321}):
        assert client.get(PAGE, query).status_code == 404
        assert client.get(EXPORT, query).status_code == 404
    for bad in ({"unit": "abc"}, {"campaign": "-1"}, {"campaign": "9" * 40}, {"unit": "1e5"}):
        assert client.get(PAGE, bad).status_code == 404
    verified_login(client, case.auditor)
    assert client.get(PAGE).status_code == 403


def test_the_api(case: World) -> None:
    api = APIClient()
    api.force_authenticate(case.office_city)
    with at(TODAY):
        body = api.get(API, {"campaign": case.campaign.pk, "unit": case.district_a.pk}).json()
    assert body["unit"] == case.district_a.pk
    assert body["total"]["referred"] == 4
    assert body["total"]["reply_rate"] == 0.75
    assert body["total"]["on_time_rate"] == 0.5
    assert body["total"]["adoption_rate"] == 0.5
    assert [r["id"] for r in body["results"]] == [None, case.street_a.pk]
    api.force_authenticate(case.office_b)
    assert api.get(API, {"unit": case.district_a.pk}).status_code == 404
    assert api.get(API, {"unit": "x"}).status_code == 404
    assert case.street_a.pk not in [r["id"] for r in api.get(API).json()["results"]]
