"""What every file import reports: one error per problem, by row and column."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    """One problem in a file: the row (1 is the header row, 0 the file itself), the column and what is wrong."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = _("第 {row} 行").format(row=self.row) if self.row else _("文件")
        if self.column:
            return _("{where}「{column}」：{message}").format(where=where, column=self.column, message=self.message)
        return _("{where}：{message}").format(where=where, message=self.message)
