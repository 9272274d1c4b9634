"""The arithmetic of a ranking: score, ties, bands, changes and the flag."""

from __future__ import annotations

from luoshi.rankings import scoring


def rows(*scores: float | None) -> list[dict]:
    return [{"unit_id": i, "score": s, "sort_key": f"{i:05d}."} for i, s in enumerate(scores, start=1)]


def test_a_measure_without_data_is_left_out_of_the_weight() -> None:
    weights = {"closure_rate": 60, "demand_score": 40}
    assert scoring.weighted_score({"closure_rate": 80, "demand_score": 90}, weights) == 84.0
    assert scoring.weighted_score({"closure_rate": 80, "demand_score": None}, weights) == 80.0
    assert scoring.weighted_score({"closure_rate": None, "demand_score": None}, weights) is None


def test_a_measure_without_weight_does_not_count() -> None:
    assert scoring.weighted_score({"closure_rate": 50, "task_progress": 100}, {"closure_rate": 100}) == 50.0


def test_scores_are_rounded_half_up_to_two_places() -> None:
    assert scoring.rounded(66.665) == 66.67
    assert scoring.weighted_score({"a": 100, "b": 0, "c": 0}, {"a": 1, "b": 1, "c": 1}) == 33.33


def test_ties_share_a_rank_and_unscored_units_come_last() -> None:
    ranked = scoring.rank_rows(rows(70, 90, None, 80, 80))
    assert [(r["unit_id"], r["rank"]) for r in ranked] == [(2, 1), (4, 2), (5, 2), (1, 4), (3, None)]


def test_red_and_black_lists_name_ties_at_the_cut() -> None:
    ranked = scoring.rank_rows(rows(100, 90, 80, 50, 50, 50))
    scoring.bands(ranked, 2)
    assert {r["unit_id"]: r["band"] for r in ranked} == {1: "red", 2: "red", 3: "", 4: "black", 5: "black", 6: "black"}


def test_the_red_list_wins_when_the_lists_overlap() -> None:
    ranked = scoring.rank_rows(rows(100, 90, 80))
    scoring.bands(ranked, 3)
    assert [r["band"] for r in ranked] == ["red", "red", "red"]


def test_change_against_the_previous_ranking_and_the_flag() -> None:
    before = scoring.rank_rows(rows(90, 80, 70))
    now = scoring.rank_rows(rows(80, 90, 70, 60))
    scoring.compare(now, before)
    found = {r["unit_id"]: (r["change"], r["flagged"]) for r in now}
    assert found == {1: (-1, False), 2: (1, False), 3: (0, False), 4: (None, False)}
    again = scoring.rank_rows(rows(80, 90, 70, 60))
    scoring.compare(again, now)
    assert [r["unit_id"] for r in again if r["flagged"]] == [4]


def test_no_previous_ranking_means_everyone_is_new_and_nobody_flagged() -> None:
    now = scoring.rank_rows(rows(80, 70))
    scoring.compare(now, None)
    assert [(r["change"], r["flagged"]) for r in now] == [(None, False), (None, False)]
