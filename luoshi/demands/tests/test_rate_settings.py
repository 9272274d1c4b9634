"""三率参数: the settings page and service, their checks and audit, and their effect on the rates pages."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.demands import rates, services
from luoshi.demands.choices import Outcome, Satisfaction
from luoshi.demands.models import DemandRateConfig
from luoshi.demands.rates import RateSettings
from luoshi.demands.tests.rate_helpers import handled, oct_
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db

URL = reverse("demand_rates:settings")
GOOD = {
    "weights": {"timeliness": 20, "resolution": 40, "satisfaction": 40},
    "black_below": {"timeliness": 90, "resolution": 75, "satisfaction": 60},
    "red_from": {"timeliness": 98, "resolution": 90, "satisfaction": 90},
}


def values(**changes: Any) -> dict[str, dict[str, Any]]:
    """GOOD with some ``part__rate=value`` changes."""
    result = {part: dict(numbers) for part, numbers in GOOD.items()}
    for key, value in changes.items():
        part, rate = key.split("__")
        result[part][rate] = value
    return result


def form_data(vals: dict[str, dict[str, Any]], version: Any = "") -> dict[str, Any]:
    data = {f"{part}_{rate}": str(v) for part, numbers in vals.items() for rate, v in numbers.items()}
    return {**data, "version": version}


def audit_count() -> int:
    return AuditEvent.objects.filter(object_type="demands.demandrateconfig").count()


# --- the service -------------------------------------------------------------------------------------


def test_the_city_office_sets_the_values_and_current_settings_follow(world: World, settings: Any) -> None:
    settings.DEMAND_RATES = {"black_below": {"satisfaction": 85}}
    assert RateSettings.current().black_below["satisfaction"] == Fraction(85, 100)
    row = services.set_rate_settings(world.office_city, GOOD)
    assert row.pk == DemandRateConfig.SINGLETON
    assert row.version == 1
    assert row.updated_by == world.office_city
    config = RateSettings.current()
    assert config.weights == {
        "timeliness": Fraction(1, 5),
        "resolution": Fraction(2, 5),
        "satisfaction": Fraction(2, 5),
    }
    assert config.black_below["satisfaction"] == Fraction(60, 100)
    assert config.red_from["timeliness"] == Fraction(98, 100)
    event = AuditEvent.objects.filter(object_type="demands.demandrateconfig").get()
    assert event.actor == world.office_city
    assert (event.after or {})["black_below_satisfaction"] == "60.00"


def test_a_second_change_updates_the_one_row_with_before_and_after(world: World) -> None:
    services.set_rate_settings(world.office_city, GOOD)
    row = services.set_rate_settings(world.office_city, values(red_from__resolution="92.5"), version=1)
    assert DemandRateConfig.objects.count() == 1
    assert row.version == 2
    assert row.red_from_resolution == Decimal("92.50")
    event = AuditEvent.objects.filter(object_type="demands.demandrateconfig").order_by("-seq").first()
    assert event is not None
    assert (event.before or {})["red_from_resolution"] == "90.00"
    assert (event.after or {})["red_from_resolution"] == "92.50"


def test_a_stale_version_is_a_conflict(world: World) -> None:
    services.set_rate_settings(world.office_city, GOOD)
    services.set_rate_settings(world.office_city, GOOD, version=1)
    with pytest.raises(Conflict):
        services.set_rate_settings(world.office_city, values(weights__timeliness=50), version=1)
    assert DemandRateConfig.objects.get().weights_timeliness == Decimal(20)


@pytest.mark.parametrize("username", ["office_a", "dispatcher_city", "secadmin", "auditor", "handler_a", "nobody"])
def test_only_a_top_level_office_may_change_them(world: World, username: str) -> None:
    user = getattr(world, username)
    assert not services.may_change_rate_settings(user)
    with pytest.raises(NotAllowed):
        services.set_rate_settings(user, GOOD)
    assert not DemandRateConfig.objects.exists()
    assert audit_count() == 0
    assert services.may_change_rate_settings(world.office_city)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"black_below__timeliness": 100.01}, "响应及时率的黑榜线应在 0 至 100 之间，填写的是 100.01。"),
        ({"red_from__resolution": -1}, "问题解决率的红榜线应在 0 至 100 之间"),
        ({"weights__satisfaction": 0}, "群众满意率的权重应大于 0。"),
        ({"weights__timeliness": "三十"}, "响应及时率的权重「三十」不是数字。"),
        ({"red_from__satisfaction": 59.99}, "群众满意率的红榜线 59.99 不能低于黑榜线 60.00。"),
    ],
)
def test_bad_values_are_refused_naming_the_rate_and_the_field(
    world: World, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(RuleViolation, match=message):
        services.set_rate_settings(world.office_city, values(**changes))
    assert not DemandRateConfig.objects.exists()
    assert audit_count() == 0


def test_edges_are_accepted_zero_hundred_and_red_equal_to_black(world: World) -> None:
    edge = values(black_below__timeliness=0, red_from__timeliness=0, black_below__resolution=100)
    edge["red_from"]["resolution"] = 100
    edge["weights"]["timeliness"] = "0.01"
    services.set_rate_settings(world.office_city, edge)
    config = RateSettings.current()
    assert config.black_below["timeliness"] == 0 == config.red_from["timeliness"]
    assert config.red_from["resolution"] == 1
    assert config.weights["timeliness"] == Fraction(1, 10000)


def test_a_missing_value_is_refused(world: World) -> None:
    incomplete = values()
    del incomplete["red_from"]["satisfaction"]
    with pytest.raises(RuleViolation, match="缺少群众满意率的红榜线"):
        services.set_rate_settings(world.office_city, incomplete)


# --- the page ----------------------------------------------------------------------------------------


def test_page_shows_the_defaults_and_saves_for_the_city_office(client: Client, world: World) -> None:
    verified_login(client, world.office_city)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "尚未修改，使用默认值" in text
    assert 'name="black_below_timeliness"' in text
    assert 'value="95"' in text
    response = client.post(URL, form_data(GOOD), follow=True)
    assert "三率权重和红黑榜阈值已保存" in response.content.decode()
    assert DemandRateConfig.objects.get().black_below_resolution == Decimal(75)
    assert "最近修改" in client.get(URL).content.decode()


def test_page_names_the_field_of_a_bad_value_and_saves_nothing(client: Client, world: World) -> None:
    verified_login(client, world.office_city)
    bad = form_data(values(red_from__satisfaction=50, weights__resolution=0, black_below__timeliness=101))
    response = client.post(URL, bad)
    assert response.status_code == 200
    text = response.content.decode()
    assert "群众满意率的红榜线 50 不能低于黑榜线 60。" in text
    assert text.count("is-invalid") >= 3
    assert not DemandRateConfig.objects.exists()


def test_page_reports_a_conflict_instead_of_overwriting(client: Client, world: World) -> None:
    services.set_rate_settings(world.office_city, GOOD)
    services.set_rate_settings(world.office_city, GOOD, version=1)
    verified_login(client, world.office_city)
    response = client.post(URL, form_data(values(weights__timeliness=60), version=1))
    assert "已被他人修改" in response.content.decode()
    assert DemandRateConfig.objects.get().weights_timeliness == Decimal(20)


def test_other_demand_viewers_read_but_cannot_change(client: Client, world: World) -> None:
    verified_login(client, world.dispatcher_city)
    page = client.get(URL)
    assert page.status_code == 200
    assert "只有市级（最高一级）领导小组办公室可以修改" in page.content.decode()
    assert "disabled" in page.content.decode()
    assert client.post(URL, form_data(GOOD)).status_code == 403
    assert not DemandRateConfig.objects.exists()


@pytest.mark.parametrize("username", ["secadmin", "auditor", "nobody"])
def test_users_without_demand_rights_are_refused(client: Client, world: World, username: str) -> None:
    verified_login(client, getattr(world, username))
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data(GOOD)).status_code == 403
    assert not DemandRateConfig.objects.exists()


def test_rates_pages_show_and_apply_the_saved_thresholds(client: Client, world: World) -> None:
    """东城区 at 50 % satisfaction is black under the default 80 %, and not black under a 40 % line."""
    handled(world, oct_(3), world.street_a, Outcome.RESOLVED, Satisfaction.SATISFIED)
    handled(world, oct_(4), world.street_a, Outcome.RESOLVED, Satisfaction.UNSATISFIED)
    verified_login(client, world.office_city)
    lists = reverse("demand_rates:lists") + "?month=2026-10"
    before = client.get(lists).content.decode()
    assert "阈值：" in before
    assert "群众满意率 50.0% &lt; 80.0%" in before
    services.set_rate_settings(world.office_city, values(black_below__satisfaction=40, weights__timeliness=33.33))
    after = client.get(lists).content.decode()
    assert "群众满意率：低于 40.0% 入黑榜" in after
    assert "权重 33.33" in after
    assert "&lt; 80.0%" not in after
    rows = rates.red_black("units", world.city, rates.Period.month(2026, 10))
    assert {r.name: r.status for r in rows}["东城区"] == ""
    ranking = client.get(reverse("demand_rates:ranking") + "?month=2026-10").content.decode()
    assert reverse("demand_rates:settings") in ranking
