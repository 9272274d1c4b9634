"""The claims check against hand-made problem data: consistent, inconsistent (with both numbers), unverifiable."""

from __future__ import annotations

import time

import pytest

from luoshi.problems import services as problem_services
from luoshi.reports import claims, services
from luoshi.reports.models import ClaimRule, Figure
from luoshi.reports.tests.helpers import CLAIMS_TEXT, upload
from luoshi.testing.problems import closed, new_problem, rectifying

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(world):
    """District A: 3 problems (2 closed, one of them in the street), 1 measure; district B: 1 closed problem."""
    working = rectifying(world)
    problem_services.add_measure(
        world.leader_a, working, text="建立台账", owner_unit=world.district_a, deadline=working.deadline
    )
    closed(world)
    closed(world, unit=world.street_a)
    new_problem(world, unit=world.district_b, actor=world.liaison_b)
    return world


def verdicts(report) -> dict[str, tuple[str, str, float | None]]:
    return {c.figure.text: (c.rule.measure, c.verdict, c.actual) for c in claims.check_report(report)}


def test_measures_of_the_platform(tracked) -> None:
    w = tracked
    counts = {key: services.measure_value(key, w.campaign, w.district_a) for key in services.MEASURES}
    assert counts == {
        "problems_closed": 2,
        "problems_total": 3,
        "measures": 1,
        "supervision_groups": 0,
        "supervised_units": 0,
        "visits": 0,
        "findings": 0,
        "research_topics": 0,
        "research_plans": 0,
        "counter_examples": 0,
        "key_tasks_total": 0,
        "key_tasks_done": 0,
        "key_tasks_progress": None,
        "projects_total": 0,
        "projects_done": 0,
        "project_tasks_total": 0,
        "project_tasks_done": 0,
        "projects_progress": None,
        "study_classes": 0,
        "rotation_classes": 0,
        "reading_half_days": None,
        "study_sessions": 0,
        "attendances": 0,
        "people_covered": 0,
        "lecture_categories": 0,
        "lecture_items": 0,
        "lecture_orders": 0,
        "lecture_listeners": 0,
        "study_groups": 0,
        "suggestions": 0,
        "suggestions_adopted": 0,
        "ignore": None,
    }
    assert services.measure_value("problems_total", w.campaign, w.street_a) == 1


def test_supported_figures_are_consistent_and_groups_checked(tracked) -> None:
    report = upload(tracked, CLAIMS_TEXT)
    assert verdicts(report) == {
        "3个": ("problems_total", "consistent", 3),
        "2个": ("problems_closed", "consistent", 2),
        "1项": ("measures", "consistent", 1),
        "4个": ("supervision_groups", "inconsistent", 0),
    }


def test_claim_the_data_does_not_support_is_inconsistent_with_both_numbers(tracked) -> None:
    report = upload(tracked, "全区检视问题44个，已整改销号38个。")
    checked = {c.figure.text: c for c in claims.check_report(report)}
    assert (checked["38个"].verdict, checked["38个"].actual) == ("inconsistent", 2)
    assert "38个" in checked["38个"].reason
    assert "2" in checked["38个"].reason
    assert (checked["44个"].rule.measure, checked["44个"].verdict, checked["44个"].actual) == (
        "problems_total",
        "inconsistent",
        3,
    )


def test_street_report_is_checked_against_the_street(tracked) -> None:
    report = upload(tracked, "已整改销号问题1个。", unit=tracked.street_a)
    assert verdicts(report) == {"1个": ("problems_closed", "consistent", 1)}


def test_qualifiers_compare_as_bounds(tracked) -> None:
    report = upload(tracked, "已销号问题1个以上。排查问题约3个。整改措施不少于5项。")
    assert verdicts(report) == {
        "1个以上": ("problems_closed", "consistent", 2),
        "约3个": ("problems_total", "unverifiable", 3),
        "不少于5项": ("measures", "inconsistent", 1),
    }


def test_figures_nobody_tracks_are_not_claims(tracked) -> None:
    report = upload(tracked, "为群众解决实际问题1.8万余件，开展培训21期。")
    assert verdicts(report) == {}


def test_excluded_figure_is_not_checked(tracked) -> None:
    report = upload(tracked, "已整改销号问题5个。")
    figure = report.figures.get()
    services.correct_figure(tracked.liaison_a, figure, figure.version, excluded=True)
    assert verdicts(report) == {}


def test_corrected_figure_is_checked_with_its_new_value(tracked) -> None:
    report = upload(tracked, "已整改销号问题5个。")
    figure = report.figures.get()
    services.correct_figure(tracked.liaison_a, figure, figure.version, value=2)
    assert verdicts(report) == {"5个": ("problems_closed", "consistent", 2)}


def test_subject_given_by_a_clerk_steers_the_check(tracked) -> None:
    report = upload(tracked, "本月共完成2个。")
    assert verdicts(report) == {}
    figure = report.figures.get()
    services.correct_figure(tracked.liaison_a, figure, figure.version, subject="已销号问题")
    assert verdicts(report) == {"2个": ("problems_closed", "consistent", 2)}


def test_phrase_nearer_another_figure_belongs_to_it(tracked) -> None:
    report = upload(tracked, "问题清单确定的3个问题已销号2个，1个正在整改。")
    assert verdicts(report) == {
        "3个": ("problems_total", "consistent", 3),
        "2个": ("problems_closed", "consistent", 2),
    }


def test_campaign_rule_wins_over_the_default(tracked) -> None:
    w = tracked
    services.create_rule(w.office_city, w.campaign, pattern="督导组", units="个", measure="problems_closed")
    report = upload(w, "派出督导组2个。")
    assert verdicts(report) == {"2个": ("problems_closed", "consistent", 2)}
    services.create_rule(w.office_city, w.campaign, pattern="督导", measure="ignore", order=0)
    rules = claims.effective_rules(w.campaign)
    assert [r.campaign_id for r in rules][:2] == [w.campaign.pk, w.campaign.pk]


def test_default_rules_are_seeded_by_the_migration() -> None:
    measures = set(ClaimRule.objects.filter(campaign=None).values_list("measure", flat=True))
    assert measures == {
        "problems_closed",
        "problems_total",
        "measures",
        "supervision_groups",
        "supervised_units",
        "visits",
        "findings",
        "research_topics",
        "research_plans",
        "counter_examples",
        "key_tasks_total",
        "key_tasks_done",
        "key_tasks_progress",
        "projects_total",
        "projects_done",
        "project_tasks_total",
        "project_tasks_done",
        "projects_progress",
        "study_classes",
        "rotation_classes",
        "reading_half_days",
        "study_sessions",
        "attendances",
        "people_covered",
        "lecture_categories",
        "lecture_items",
        "lecture_orders",
        "lecture_listeners",
        "study_groups",
        "suggestions",
        "suggestions_adopted",
    }


def figure(value, approx="exact", value_max=None, unit="个") -> Figure:
    return Figure(text=f"{value}{unit}", value=value, value_max=value_max, unit=unit, approx=approx)


@pytest.mark.parametrize(
    ("made", "actual", "verdict"),
    [
        (figure(38), 38, "consistent"),
        (figure(38), 36, "inconsistent"),
        (figure(2, value_max=3), 3, "consistent"),
        (figure(2, value_max=3), 4, "inconsistent"),
        (figure(30, "more_than"), 30, "consistent"),
        (figure(30, "more_than"), 29, "inconsistent"),
        (figure(30, "at_least"), 31, "consistent"),
        (figure(30, "above"), 30, "inconsistent"),
        (figure(30, "at_most"), 30, "consistent"),
        (figure(30, "at_most"), 31, "inconsistent"),
        (figure(30, "below"), 29, "consistent"),
        (figure(30, "below"), 30, "inconsistent"),
        (figure(30, "about"), 30, "unverifiable"),
        (figure(95, unit="%"), 95, "unverifiable"),
        (figure(28), None, "unverifiable"),
    ],
)
def test_judge(made, actual, verdict) -> None:
    assert claims.judge(made, actual)[0] == verdict


def test_context_is_the_sentence_up_to_the_figure_and_its_clause() -> None:
    text = "上半年工作顺利。全区检视问题44个，已整改销号38个，其余正在整改。"
    start = text.index("38个")
    made = Figure(text="38个", start=start, end=start + 3, sentence="")
    assert claims.context_of(made, text)[0] == "全区检视问题44个，已整改销号38个"


def test_day_counts_are_left_alone(tracked) -> None:
    report = upload(tracked, "问题整改销号时限为30天。")
    assert verdicts(report) == {}


def test_a_catastrophic_rule_is_matched_in_linear_time(tracked) -> None:
    """``(a+)+b`` over 57 a's takes Python's ``re`` about 2**57 steps; RE2 answers at once, and still matches."""
    w = tracked
    services.create_rule(w.office_city, w.campaign, pattern="(a+)+b|(已+)+销号", units="个", measure="problems_closed")
    report = upload(w, "a" * 80 + "已销号2个，" + "a" * 80 + "共9个。")
    started = time.perf_counter()
    found = verdicts(report)
    assert time.perf_counter() - started < 2
    assert found == {"2个": ("problems_closed", "consistent", 2)}
    claim = next(c for c in claims.check_report(report) if c.figure.text == "2个")
    assert claim.rule.campaign == w.campaign
