"""The figures on hand-computed cases: weighted task progress, a campaign's mean, the satisfaction rate."""

from __future__ import annotations

from decimal import Decimal

import pytest

from luoshi.livelihood import figures, services


def test_tasks_are_weighted_and_a_finished_one_counts_100() -> None:
    # (2 × 50 + 1 × 100 + 1 × 0) / 4 = 50.0
    assert figures.weighted_progress([(2, 50), (1, 100), (1, 0)]) == Decimal("50.0")
    # (3 × 40 + 1 × 70) / 4 = 47.5
    assert figures.weighted_progress([(3, 40), (1, 70)]) == Decimal("47.5")
    # (1 × 33 + 1 × 34 + 1 × 34) / 3 = 33.666… → 33.7
    assert figures.weighted_progress([(1, 33), (1, 34), (1, 34)]) == Decimal("33.7")
    assert figures.weighted_progress([]) is None


def test_a_project_without_tasks_uses_its_own_report_and_a_finished_one_is_100() -> None:
    assert figures.project_progress(False, [], 35) == Decimal("35.0")
    assert figures.project_progress(False, [(1, 20), (1, 60)], 90) == Decimal("40.0")
    assert figures.project_progress(True, [(1, 20)], 0) == Decimal("100.0")


def test_a_campaigns_progress_is_the_mean_of_its_projects() -> None:
    # Ningbo's 31 projects at 68.9 %: 21 at 80 %, 10 at 45.9 % → (1680 + 459) / 31 = 69.0
    assert figures.mean_progress([Decimal(80)] * 21 + [Decimal("45.9")] * 10) == Decimal("69.0")
    # 31 projects adding up to 2135.9 % → 68.9
    assert figures.mean_from_sum(Decimal("2135.9"), 31) == Decimal("68.9")
    assert figures.mean_progress([]) == Decimal("0.0")


@pytest.mark.parametrize(
    ("counts", "rate"),
    [
        ((80, 15, 5), Decimal("95.0")),  # 95 / 100
        ((1, 1, 1), Decimal("66.7")),  # 2 / 3 = 66.666… rounds half up
        ((0, 0, 7), Decimal("0.0")),
        ((17, 0, 0), Decimal("100.0")),
        ((7, 1, 1), Decimal("88.9")),  # 8 / 9 = 88.888…
        ((199, 0, 1), Decimal("99.5")),  # 199 / 200 = 99.5 exactly
    ],
)
def test_satisfaction_rate_is_satisfied_plus_basically_over_all(counts: tuple[int, int, int], rate: Decimal) -> None:
    assert figures.satisfaction_rate(*counts) == rate


def test_nobody_asked_has_no_rate() -> None:
    assert figures.satisfaction_rate(0, 0, 0) is None


def test_half_rounds_up_to_one_place() -> None:
    assert figures.one_place(Decimal("68.85")) == Decimal("68.9")
    assert figures.one_place(Decimal("68.84")) == Decimal("68.8")


@pytest.mark.parametrize(
    ("voters", "votes_for", "passed"), [(50, 26, True), (50, 25, False), (7, 4, True), (7, 3, False)]
)
def test_a_proposal_passes_with_more_than_half_of_all_who_may_vote(voters: int, votes_for: int, passed: bool) -> None:
    assert services.adopted(voters, votes_for) is passed
