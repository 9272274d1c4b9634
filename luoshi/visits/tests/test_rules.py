"""Each anti-pile-up rule at its edges, warn and block, the reason past a warning, cancelled visits."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.audit.models import AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.testing.world import World
from luoshi.visits import services
from luoshi.visits.choices import RuleKind, VisitState
from luoshi.visits.rules import check_visit, county_of, most_in_window, rules_for
from luoshi.visits.services import VisitRefused
from luoshi.visits.tests.helpers import DAY, days, file

pytestmark = pytest.mark.django_db


def kinds(hits: list) -> set[str]:
    return {hit.kind for hit in hits}


def test_the_third_visit_in_14_days_warns_and_a_third_over_15_days_does_not(world: World) -> None:
    for day in days(DAY, 0, 9):
        file(world, world.street_a, day)
    assert kinds(check_visit(world.campaign, world.street_a, DAY + dt.timedelta(days=13), 3)) == {RuleKind.UNIT_WINDOW}
    assert check_visit(world.campaign, world.street_a, DAY + dt.timedelta(days=14), 3) == []
    assert kinds(check_visit(world.campaign, world.street_a, DAY - dt.timedelta(days=4), 3)) == {RuleKind.UNIT_WINDOW}
    assert check_visit(world.campaign, world.street_a, DAY - dt.timedelta(days=5), 3) == []
    hit = check_visit(world.campaign, world.street_a, DAY + dt.timedelta(days=13), 3)[0]
    assert (hit.count, hit.limit, hit.window_days, hit.action) == (3, 3, 14, "warn")
    assert "14" in hit.message


def test_other_units_and_campaigns_do_not_count(world: World) -> None:
    for day in days(DAY, 0, 1):
        file(world, world.street_a, day)
    assert check_visit(world.campaign, world.district_a, DAY, 3) == []


def test_the_tenth_visit_in_a_year_warns(world: World) -> None:
    for day in days(DAY, *range(0, 180, 20)):
        file(world, world.street_a, day)
    hits = check_visit(world.campaign, world.street_a, DAY + dt.timedelta(days=190), 3)
    assert kinds(hits) == {RuleKind.UNIT_YEAR}
    assert hits[0].count == 10
    assert check_visit(world.campaign, world.district_a, DAY + dt.timedelta(days=190), 3) == []


def test_ten_people_pass_and_eleven_warn(world: World) -> None:
    assert check_visit(world.campaign, world.street_a, DAY, 10) == []
    hits = check_visit(world.campaign, world.street_a, DAY, 11)
    assert kinds(hits) == {RuleKind.PARTY_SIZE}
    assert (hits[0].count, hits[0].limit) == (11, 10)


def test_the_31st_organiser_in_a_county_month_warns_and_one_already_counted_does_not(world: World) -> None:
    services.save_rules(
        world.office_city,
        world.campaign,
        [{"kind": RuleKind.UNIT_WINDOW, "enabled": False}, {"kind": RuleKind.UNIT_YEAR, "enabled": False}],
    )
    for n in range(30):
        unit = world.street_a if n % 2 else world.district_a
        file(world, unit, DAY.replace(day=1 + n % 28), key=f"group:{n}")
    file(world, world.district_b, DAY, key="group:99")  # another county: not counted
    file(world, world.street_a, DAY.replace(month=4), key="group:98")  # another month: not counted
    hits = check_visit(world.campaign, world.street_a, DAY, 3, "group:31")
    assert kinds(hits) == {RuleKind.COUNTY_MONTH}
    assert (hits[0].count, hits[0].limit) == (31, 30)
    assert check_visit(world.campaign, world.street_a, DAY, 3, "group:5") == []
    assert check_visit(world.campaign, world.district_b, DAY, 3, "group:31") == []


def test_cancelled_visits_never_count(world: World) -> None:
    first = file(world, world.street_a, DAY)
    file(world, world.street_a, DAY + dt.timedelta(days=1))
    services.cancel_visit(world.liaison_a, first, "改期")
    assert check_visit(world.campaign, world.street_a, DAY + dt.timedelta(days=2), 3) == []
    first.refresh_from_db()
    assert first.state == VisitState.CANCELLED


def test_a_warning_needs_a_reason_kept_on_the_visit_and_audited(world: World) -> None:
    file(world, world.street_a, DAY)
    file(world, world.street_a, DAY + dt.timedelta(days=1))
    with pytest.raises(VisitRefused) as refused:
        file(world, world.street_a, DAY + dt.timedelta(days=2))
    assert refused.value.code == "needs_reason"
    assert kinds(refused.value.hits) == {RuleKind.UNIT_WINDOW}
    visit = file(world, world.street_a, DAY + dt.timedelta(days=2), reason="群众反映问题需现场核实")
    assert visit.override_reason == "群众反映问题需现场核实"
    assert [hit["kind"] for hit in visit.warnings] == [RuleKind.UNIT_WINDOW]
    event = AuditEvent.objects.get(object_type="visits.visit", object_id=str(visit.pk))
    assert "群众反映问题需现场核实" in event.detail
    assert event.actor == world.office_city


def test_a_blocking_rule_refuses_even_with_a_reason(world: World) -> None:
    services.save_rules(world.office_city, world.campaign, [{"kind": RuleKind.PARTY_SIZE, "action": "block"}])
    with pytest.raises(VisitRefused) as refused:
        file(world, world.street_a, headcount=11, reason="确需")
    assert refused.value.code == "blocked"
    assert file(world, world.street_a, headcount=10).pk


def test_disabled_rules_and_changed_limits_apply(world: World) -> None:
    services.save_rules(
        world.office_city,
        world.campaign,
        [{"kind": RuleKind.PARTY_SIZE, "limit": 5}, {"kind": RuleKind.UNIT_WINDOW, "enabled": False}],
    )
    assert kinds(check_visit(world.campaign, world.street_a, DAY, 6)) == {RuleKind.PARTY_SIZE}
    for day in days(DAY, 0, 1):
        file(world, world.street_a, day)
    assert check_visit(world.campaign, world.street_a, DAY, 3) == []


def test_rules_default_to_yunnan_and_only_the_office_sets_them(world: World) -> None:
    assert [(r.kind, r.limit, r.window_days, r.action) for r in rules_for(world.campaign)] == [
        ("unit_window", 3, 14, "warn"),
        ("unit_year", 10, 365, "warn"),
        ("party_size", 10, 0, "warn"),
        ("county_month", 30, 0, "warn"),
    ]
    with pytest.raises(NotAllowed):
        services.save_rules(world.office_a, world.campaign, [{"kind": "party_size", "limit": 5}])
    for bad in (
        [{"kind": "nonsense", "limit": 1}],
        [{"kind": "party_size", "limit": 0}],
        [{"kind": "unit_window", "window_days": 0}],
        [{"kind": "party_size", "action": "maybe"}],
        [{"kind": "party_size", "colour": "red"}],
        [{"kind": "party_size", "limit": 4}, {"kind": "party_size", "limit": 5}],
    ):
        with pytest.raises(RuleViolation):
            services.save_rules(world.office_city, world.campaign, bad)
    saved = services.save_rules(world.office_city, world.campaign, [{"kind": "unit_window", "limit": 4}])
    assert saved[0].limit == 4
    assert saved[0].window_days == 14
    assert AuditEvent.objects.filter(object_type="visits.visitrule").count() == 1
    services.save_rules(world.office_city, world.campaign, [{"kind": "unit_window", "limit": 4}])
    assert AuditEvent.objects.filter(object_type="visits.visitrule").count() == 1  # unchanged: no record


def test_filing_checks_scope_and_fields(world: World) -> None:
    with pytest.raises(NotAllowed):
        file(world, world.street_a, user=world.liaison_b)
    with pytest.raises(NotAllowed):
        file(world, world.street_a, user=world.auditor)
    with pytest.raises(RuleViolation):
        file(world, world.street_a, headcount=0)
    with pytest.raises(RuleViolation):
        file(world, world.street_a, team="  ")
    with pytest.raises(RuleViolation):
        file(world, world.street_a, dt.date(2027, 1, 5))
    visit = services.file_visit(
        world.liaison_a,
        campaign=world.campaign,
        unit=world.street_a,
        date=DAY,
        headcount=2,
        team=" 张三 ",
        organiser="东城调研组",
        kinds=["hears", "talks"],
        override_reason="无提醒时不保存的理由",
    )
    assert (visit.filed_by, visit.team, visit.org_path, visit.override_reason) == (
        world.liaison_a,
        "张三",
        world.street_a.path,
        "",
    )
    assert (visit.hears, visit.looks, visit.checks, visit.talks) == (True, False, False, True)


def test_preview_cancel_and_recorded(world: World) -> None:
    file(world, world.street_a, DAY)
    file(world, world.street_a, DAY)
    assert kinds(
        services.preview_visit(world.liaison_a, campaign=world.campaign, unit=world.street_a, date=DAY, headcount=3)
    ) == {RuleKind.UNIT_WINDOW}
    with pytest.raises(NotAllowed):
        services.preview_visit(world.liaison_b, campaign=world.campaign, unit=world.street_a, date=DAY, headcount=3)
    with pytest.raises(RuleViolation):
        services.preview_visit(world.liaison_a, campaign=world.campaign, unit=world.street_a, date=DAY, headcount=0)
    visit = file(world, world.district_a, DAY)
    services.mark_recorded(world.supervisor_a, visit)
    assert visit.state == VisitState.RECORDED
    with pytest.raises(RuleViolation):
        services.cancel_visit(world.office_a, visit)
    with pytest.raises(NotAllowed):
        services.cancel_visit(world.liaison_b, visit)


def test_county_of_and_windows(world: World) -> None:
    assert county_of(world.street_a) == world.district_a
    assert county_of(world.district_b) == world.district_b
    assert county_of(world.city) == world.city
    assert most_in_window(days(DAY, 0, 13), DAY + dt.timedelta(days=6), 14) == 3
    assert most_in_window(days(DAY, 0, 14), DAY + dt.timedelta(days=7), 14) == 2
