"""What every file import reports: one error per problem, by row and column."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

SHOWN_LIMIT = 40


def shown_value(value: Any, message: str = "") -> str:
    """What a cell held, for an error that does not quote it already (cut to 40 characters); never call it with
    personal data: for those columns the message alone says what is wrong."""
    text = "" if value is None else str(value).strip()
    if not text or text[:SHOWN_LIMIT] in message:
        return ""
    return text if len(text) <= SHOWN_LIMIT else text[:SHOWN_LIMIT] + "…"


@dataclass(frozen=True)
class RowError:
    """One problem in a file: the row (1 is the header row, 0 the file itself), the column, what is wrong and
    what the cell held (``value``, empty for personal data and for messages that quote it)."""

    row: int
    column: str
    message: str
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = _("第 {row} 行").format(row=self.row) if self.row else _("文件")
        message = self.message
        if self.value:
            message += _("（所填内容：「{value}」）").format(value=self.value)
        if self.column:
            return _("{where}「{column}」：{message}").format(where=where, column=self.column, message=message)
        return _("{where}：{message}").format(where=where, message=message)
