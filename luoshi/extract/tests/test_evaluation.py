"""The evaluation on the five sample reports beside the repository, and the scoring rules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from luoshi.extract.evaluation import evaluate, score_document

REPOSITORY = Path(__file__).resolve().parents[3]
SAMPLES = REPOSITORY.parent / "shared" / "reports"


OWN_SETS = Path(__file__).resolve().parent / "reports"


def _assert_full_marks(folder: Path, documents_at_least: int, approx_floor: float) -> None:
    documents, total = evaluate(folder)
    assert len(documents) >= documents_at_least
    assert total.errors == []
    assert total.f1 == 1.0, [(d.name, d.precision, d.recall) for d in documents if d.f1 < 1.0]
    assert total.approx_accuracy >= approx_floor
    assert total.change_accuracy >= approx_floor
    assert [d.name for d in documents if not d.place_right] == []
    assert [d.name for d in documents if not d.date_right] == []


def test_sample_reports_score_full_marks() -> None:
    if not (SAMPLES / "gold").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the sample reports are missing: {SAMPLES}")
        pytest.skip(f"the sample reports are not beside this repository ({SAMPLES})")
    _assert_full_marks(SAMPLES, 5, 0.98)


@pytest.mark.parametrize(
    ("folder", "documents"),
    [
        pytest.param("heldout", 10, id="held-out reports in other styles and formats (heldout/SOURCES.md)"),
        pytest.param("blind2", 8, id="eight more kinds, annotated before the extractor ran (blind2/SOURCES2.md)"),
    ],
)
def test_own_report_sets_score_full_marks(folder: str, documents: int) -> None:
    _assert_full_marks(OWN_SETS / folder, documents, 1.0)


def mention(value: float, unit: str, approx: str = "exact", **extra: object) -> dict:
    return {"text": "", "value": value, "unit": unit, "approx": approx, **extra}


def test_mentions_are_compared_as_multisets_of_value_range_and_unit() -> None:
    gold = {
        "place": "宁波市",
        "date": None,
        "mentions": [mention(1, "个"), mention(1, "个"), mention(2, "天", value_max=3)],
    }
    predicted = {
        "place": "宁波市",
        "date": "2024-01-01",
        "mentions": [mention(1.0, "个", "more_than"), mention(2, "天"), mention(5, "%", change="up")],
    }
    score = score_document("doc", predicted, gold)
    assert (score.predicted, score.gold, score.matched) == (3, 3, 1)
    assert (score.approx_right, score.change_right) == (0, 1)
    assert (score.place_right, score.date_right) == (1, 0)
    assert round(score.f1, 3) == 0.333


def test_approx_and_change_are_scored_on_matched_pairs_only() -> None:
    gold = {"mentions": [mention(6.0, "%", change="up"), mention(0.8, "个百分点")]}
    predicted = {"mentions": [mention(6, "%"), mention(0.8, "个百分点"), mention(9, "项", "about")]}
    score = score_document("doc", predicted, gold)
    assert (score.matched, score.approx_accuracy, score.change_accuracy) == (2, 1.0, 0.5)


def test_a_missing_report_counts_as_nothing_found(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "lost.json").write_text('{"place": null, "date": null, "mentions": []}', encoding="utf-8")
    _, total = evaluate(tmp_path)
    assert total.errors == ["lost: 找不到与标注文件对应的报告。"]
