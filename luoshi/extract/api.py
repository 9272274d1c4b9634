"""The extractor's public functions; none of them needs Django.

- ``read_text(data, filename) -> str``: decode .txt/.html/.docx/.pdf bytes (UTF-8, GB18030, Big5
  detected) into raw text; raises ``UnreadableDocument`` with a reason.
- ``normalise(raw) -> str``: the spec's normalised text.
- ``extract(text) -> Extraction``: figures, place and date of normalised text.
- ``process(data, filename) -> Extraction``: the three in a row.
"""

from __future__ import annotations

from luoshi.extract import mentions, normalising, places, reading
from luoshi.extract.types import Extraction, UnreadableDocument

MAX_BYTES = reading.MAX_BYTES

__all__ = ["MAX_BYTES", "Extraction", "UnreadableDocument", "extract", "normalise", "process", "read_text"]


def read_text(data: bytes, filename: str) -> str:
    return reading.read_text(data, filename)


def normalise(raw: str) -> str:
    return normalising.normalise(raw)


def extract(text: str) -> Extraction:
    return Extraction(
        text=text,
        place=places.find_place(text),
        date=places.find_date(text),
        mentions=mentions.find_mentions(text),
    )


def process(data: bytes, filename: str) -> Extraction:
    return extract(normalise(read_text(data, filename)))
