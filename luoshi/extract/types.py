"""What the report extractor (报告数字提取) produces: usable without Django.

``luoshi.extract`` turns a narrative report into normalised simplified Chinese and the figures it
claims, as ../shared/spec/indicators.md defines them. The platform (``luoshi.reports``) stores these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class UnreadableDocument(Exception):
    """The input cannot be read as a report; the message says why (in Chinese, for the user)."""


@dataclass(frozen=True)
class Mention:
    """One figure a report states (指标提及): the spec's fields plus where it stands in the text.

    ``start``/``end`` are offsets of ``text`` in the normalised text; ``sentence`` is the sentence
    holding it. ``value`` and ``value_max`` are ints when whole, floats otherwise.
    """

    text: str
    value: int | float
    unit: str
    approx: str = "exact"
    value_max: int | float | None = None
    change: str | None = None
    subject: str = ""
    start: int = 0
    end: int = 0
    sentence: str = ""

    def as_gold(self) -> dict[str, Any]:
        """The mention in the gold-file format of the spec (absent fields left out)."""
        out: dict[str, Any] = {"text": self.text, "value": self.value}
        if self.value_max is not None:
            out["value_max"] = self.value_max
        out["unit"] = self.unit
        out["approx"] = self.approx
        if self.change:
            out["change"] = self.change
        if self.subject:
            out["subject"] = self.subject
        return out


@dataclass
class Extraction:
    """A whole report: normalised text, place (e.g. 成都市), publication date (ISO) and mentions in text order."""

    text: str
    place: str | None = None
    date: str | None = None
    mentions: list[Mention] = field(default_factory=list)

    def as_gold(self) -> dict[str, Any]:
        return {"place": self.place, "date": self.date, "mentions": [m.as_gold() for m in self.mentions]}
