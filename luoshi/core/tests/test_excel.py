"""The one Excel writer: text from users is never a formula, and cells are typed (dates, numbers, percents)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from luoshi.core.excel import Book, Column, Kind, neutralise, restore, table_bytes

RISKY = ['=HYPERLINK("http://evil","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", RISKY)
def test_risky_text_is_neutralised_and_restored(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", ["普通文本", "'已带引号", "1+1", "a=b"])
def test_plain_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text
    assert restore(text) == text


def test_every_user_text_is_written_as_a_string_never_a_formula() -> None:
    columns = [Column("内容"), Column("数量", Kind.INTEGER)]
    data, count = table_bytes("测试", columns, [[text, "=1+1"] for text in RISKY])
    assert count == len(RISKY)
    sheet = load_workbook(io.BytesIO(data)).active
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type == "s", cell.value
            assert str(cell.value).startswith("'")


def test_cells_are_typed_and_the_header_is_frozen() -> None:
    when = dt.datetime(2026, 3, 1, 1, 30, 15, 999, tzinfo=dt.UTC)
    columns = [
        Column("日期", Kind.DATE, 12),
        Column("时间", Kind.DATETIME, 18),
        Column("比率", Kind.PERCENT, 10),
        Column("件数", Kind.INTEGER, 8),
        Column("金额", Kind.DECIMAL, 10),
    ]
    data, _count = table_bytes("表", columns, [[dt.date(2026, 3, 1), when, Fraction(17, 20), 3, Decimal("1.5")]])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 18
    date, time, rate, number, amount = (sheet.cell(row=2, column=i) for i in range(1, 6))
    assert (date.value, date.number_format) == (dt.datetime(2026, 3, 1), "yyyy-mm-dd")
    assert time.value == dt.datetime(2026, 3, 1, 9, 30, 15)  # in the site's time zone, to the second
    assert (rate.value, rate.number_format) == (0.85, "0.0%")
    assert (number.value, number.data_type) == (3, "n")
    assert amount.value == 1.5


def test_empty_values_stay_empty_and_illegal_characters_go() -> None:
    book = Book()
    sheet = book.sheet("表", [Column("文本"), Column("件数", Kind.INTEGER)])
    sheet.append(["坏\x01字符", ""])
    sheet.append([None, None])
    loaded = load_workbook(io.BytesIO(book.bytes())).active
    assert [c.value for c in loaded[2]] == ["坏字符", None]
    assert [c.value for c in loaded[3]] == [None, None]
