"""Scoring extractions against gold files (spec section 3): micro P/R/F1, approx/change accuracy, place, date."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from luoshi.extract.api import process
from luoshi.extract.types import UnreadableDocument

Key = tuple[float, float | None, str]


@dataclass
class Score:
    """Counts of one document, or of all of them added up."""

    name: str
    predicted: int = 0
    gold: int = 0
    matched: int = 0
    approx_right: int = 0
    change_right: int = 0
    place_right: int = 0
    date_right: int = 0
    documents: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else float(self.gold == 0)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else float(self.predicted == 0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def approx_accuracy(self) -> float:
        return self.approx_right / self.matched if self.matched else 1.0

    @property
    def change_accuracy(self) -> float:
        return self.change_right / self.matched if self.matched else 1.0

    def add(self, other: Score) -> None:
        for name in ("predicted", "gold", "matched", "approx_right", "change_right", "place_right", "date_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.documents += other.documents
        self.errors += other.errors

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for name in ("precision", "recall", "f1", "approx_accuracy", "change_accuracy"):
            out[name] = round(getattr(self, name), 4)
        return out


def _key(mention: dict[str, Any]) -> Key:
    high = mention.get("value_max")
    return (round(float(mention["value"]), 6), None if high is None else round(float(high), 6), mention["unit"])


def _pairs(predicted: Iterable[dict[str, Any]], gold: Iterable[dict[str, Any]]) -> list[tuple[dict, dict]]:
    """Matched (predicted, gold) pairs: equal keys, paired in text order."""
    waiting: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for mention in gold:
        waiting[_key(mention)].append(mention)
    pairs = []
    for mention in predicted:
        queue = waiting.get(_key(mention))
        if queue:
            pairs.append((mention, queue.pop(0)))
    return pairs


def score_document(name: str, predicted: dict[str, Any], gold: dict[str, Any]) -> Score:
    pairs = _pairs(predicted["mentions"], gold["mentions"])
    return Score(
        name=name,
        predicted=len(predicted["mentions"]),
        gold=len(gold["mentions"]),
        matched=len(pairs),
        approx_right=sum(p.get("approx", "exact") == g.get("approx", "exact") for p, g in pairs),
        change_right=sum(p.get("change") == g.get("change") for p, g in pairs),
        place_right=int(predicted.get("place") == gold.get("place")),
        date_right=int(predicted.get("date") == gold.get("date")),
        documents=1,
    )


def _report_for(folder: Path, gold_file: Path) -> Path | None:
    candidates = sorted(p for p in folder.glob(gold_file.stem + ".*") if p.is_file() and p.suffix != ".json")
    return candidates[0] if candidates else None


def evaluate(folder: Path, gold_folder: Path | None = None) -> tuple[list[Score], Score]:
    """Per-document scores and their total for every gold file of ``gold_folder`` (default ``folder/gold``)."""
    gold_folder = gold_folder or folder / "gold"
    total = Score(name="合计")
    documents = []
    for gold_file in sorted(gold_folder.glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        report = _report_for(folder, gold_file)
        try:
            if report is None:
                raise UnreadableDocument("找不到与标注文件对应的报告。")
            predicted = process(report.read_bytes(), report.name).as_gold()
            score = score_document(gold_file.stem, predicted, gold)
        except UnreadableDocument as exc:
            score = score_document(gold_file.stem, {"mentions": []}, gold)
            score.errors.append(f"{gold_file.stem}: {exc}")
        documents.append(score)
        total.add(score)
    return documents, total


def format_table(documents: list[Score], total: Score) -> str:
    header = f"{'文档':<24}{'预测':>6}{'标注':>6}{'命中':>6}{'精确率':>8}{'召回率':>8}{'F1':>8}{'约数':>8}{'增减':>8}"
    header += " 地点 日期"
    lines = [header]
    for s in [*documents, total]:
        place = f"{s.place_right}/{s.documents}" if s is total else ("对" if s.place_right else "错")
        day = f"{s.date_right}/{s.documents}" if s is total else ("对" if s.date_right else "错")
        lines.append(
            f"{s.name:<24}{s.predicted:>6}{s.gold:>6}{s.matched:>6}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}"
            f"{s.approx_accuracy:>8.3f}{s.change_accuracy:>8.3f} {place} {day}"
        )
    lines += [f"错误：{e}" for e in total.errors]
    return "\n".join(lines)
