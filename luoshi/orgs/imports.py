"""Importing the org tree (组织架构) from Excel: read the sheet, check every row, then write in bulk.

Every problem in the file is collected (row number, column header, message) before anything is
written; one error means nothing is written.
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

import openpyxl
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.core import paths
from luoshi.core.errors import RuleViolation
from luoshi.core.excel import Book, Column, Kind, restore
from luoshi.core.imports import RowError
from luoshi.core.uploads import EVIDENCE_TYPES
from luoshi.orgs import services
from luoshi.orgs.models import MAX_DEPTH, Unit, UnitKind
from luoshi.orgs.services import UnitImportPlan

CODE, NAME, KIND, PARENT, MEMBERS, LEADERS = HEADERS = (
    "单位代码",
    "单位名称",
    "单位类型",
    "上级单位代码",
    "成员数",
    "负责人",
)
SHEET_COLUMNS = tuple(
    Column(header, kind, width)
    for header, kind, width in zip(
        HEADERS,
        (Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.INTEGER, Kind.TEXT),
        (16, 30, 14, 16, 10, 30),
        strict=True,
    )
)
XLSX_ONLY = {"xlsx": EVIDENCE_TYPES["xlsx"]}
MAX_MEMBERS = 2_147_483_647
DIGITS = re.compile(r"\d+")
PROGRESS_EVERY = 5000

Progress = Callable[[int, str], None]


class ImportFailed(RuleViolation):
    """The file has errors; nothing was written."""

    code = "import_failed"

    def __init__(self, errors: list[RowError]):
        super().__init__(_("导入失败：发现 {count} 处错误，未写入任何数据。").format(count=len(errors)))
        self.errors = sorted(errors, key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else -1))


@dataclass
class UnitRow:
    """One data row of the sheet; ``member_count`` is None when the cell is not a valid number."""

    row: int
    code: str
    name: str
    kind_name: str
    parent_code: str
    member_count: int | None
    leaders: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return restore(str(value).strip()).strip()


def _count(value: Any) -> int | None:
    """A non-negative integer from a cell, or None; an empty cell is 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, int) and 0 <= value <= MAX_MEMBERS:
        return value
    return None


def _field_errors(row: UnitRow, raw_members: Any) -> Iterable[RowError]:
    limits = ((CODE, row.code, 40), (NAME, row.name, 100), (KIND, row.kind_name, 40), (LEADERS, row.leaders, 200))
    for column, value, limit in limits:
        if not value and column != LEADERS:
            yield RowError(row.row, column, _("{column}不能为空").format(column=column))
        elif len(value) > limit:
            yield RowError(row.row, column, _("{column}不能超过 {limit} 个字符").format(column=column, limit=limit))
    if row.member_count is None:
        yield RowError(
            row.row, MEMBERS, _("成员数应为不小于 0 的整数，实际为「{text}」").format(text=_text(raw_members))
        )


def _open_sheet(fileobj: IO[bytes]) -> Any:
    try:
        book = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFailed([RowError(0, "", _("无法读取 Excel 文件，请用导入模板填写并保存为 .xlsx"))]) from exc
    return book


def read_rows(fileobj: IO[bytes], progress: Progress | None = None) -> tuple[list[UnitRow], list[RowError]]:
    """The data rows of the first sheet and the errors found in single cells; columns are found by header."""
    book = _open_sheet(fileobj)
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [_text(v) for v in next(lines, None) or ()]
        columns = {name: header.index(name) for name in HEADERS if name in header}
        missing = [name for name in HEADERS if name not in columns]
        if missing:
            return [], [
                RowError(1, name, _("缺少表头「{name}」，请使用导入模板").format(name=name)) for name in missing
            ]
        total = max(sheet.max_row or 0, 1)
        rows: list[UnitRow] = []
        errors: list[RowError] = []
        for number, values in enumerate(lines, start=2):
            cells = {name: values[i] if i < len(values) else None for name, i in columns.items()}
            if all(_text(v) == "" for v in cells.values()):
                continue
            row = UnitRow(
                number,
                _text(cells[CODE]),
                _text(cells[NAME]),
                _text(cells[KIND]),
                _text(cells[PARENT]),
                _count(cells[MEMBERS]),
                _text(cells[LEADERS]),
            )
            rows.append(row)
            errors.extend(_field_errors(row, cells[MEMBERS]))
            if progress and number % PROGRESS_EVERY == 0:
                progress(5 + 40 * number // total, f"已读取 {number} 行")
    finally:
        book.close()
    if not rows and not errors:
        errors.append(RowError(2, "", _("文件中没有单位数据")))
    return rows, errors


def _chunks(items: list[str], size: int = services.BULK_BATCH) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load_existing(codes: set[str]) -> tuple[dict[str, Unit], dict[int, str]]:
    """Existing units by code (locked for the import) and the codes of their parents by id."""
    existing: dict[str, Unit] = {}
    for chunk in _chunks(sorted(codes)):
        existing.update((u.code, u) for u in Unit.objects.select_for_update().filter(code__in=chunk))
    codes_by_id = {u.pk: u.code for u in existing.values()}
    missing = sorted({u.parent_id for u in existing.values() if u.parent_id and u.parent_id not in codes_by_id})
    for start in range(0, len(missing), services.BULK_BATCH):
        ids = missing[start : start + services.BULK_BATCH]
        codes_by_id.update(Unit.objects.filter(pk__in=ids).values_list("pk", "code"))
    return existing, codes_by_id


class _Planner:
    """Checks the rows against the tree and each other, and lays out the new units' paths."""

    def __init__(self, actor: Any, rows: list[UnitRow], errors: list[RowError], plan: UnitImportPlan):
        self.actor, self.plan, self.errors = actor, plan, errors
        self.kinds = {k.name: k for k in UnitKind.objects.all()}
        self.first: dict[str, UnitRow] = {}
        for row in rows:
            if row.kind_name and row.kind_name not in self.kinds:
                self.error(
                    row,
                    KIND,
                    _("单位类型「{kind_name}」不存在，请使用系统中的单位类型名称").format(kind_name=row.kind_name),
                )
            if not row.code:
                continue
            if row.code in self.first:
                self.error(
                    row,
                    CODE,
                    _("单位代码「{code}」与第 {row} 行重复").format(code=row.code, row=self.first[row.code].row),
                )
            else:
                self.first[row.code] = row
        wanted = set(self.first) | {r.parent_code for r in rows if r.parent_code}
        self.existing, self.parent_codes = _load_existing(wanted)
        self.new = {code: row for code, row in self.first.items() if code not in self.existing}

    def error(self, row: UnitRow, column: str, message: str) -> None:
        self.errors.append(RowError(row.row, column, message))

    def may_manage(self, unit: Unit) -> bool:
        return self.actor is None or scope.can(self.actor, Perm.MANAGE_ORGS, unit.path)

    def check(self) -> None:
        tree_empty = not Unit.objects.exists()
        for code, row in self.first.items():
            if code in self.existing:
                self.check_update(row, self.existing[code])
            else:
                self.check_parent(row, tree_empty)
        self.check_cycles()

    def check_update(self, row: UnitRow, unit: Unit) -> None:
        if not self.may_manage(unit):
            self.error(row, CODE, _("单位代码「{code}」已被您管理范围以外的单位使用").format(code=row.code))
            return
        current = self.parent_codes.get(unit.parent_id, "") if unit.parent_id else ""
        if row.parent_code != current:
            now = f"「{current}」" if current else _("顶级（无上级）")
            self.error(
                row,
                PARENT,
                _("该单位现属{now}，导入不能改变上级单位；如需调整，请在单位页面中使用「移动」").format(now=now),
            )
        kind = self.kinds.get(row.kind_name)
        if kind is None or row.member_count is None:
            return
        values = {"name": row.name, "kind_id": kind.pk, "member_count": row.member_count, "leaders": row.leaders}
        if all(getattr(unit, name) == value for name, value in values.items()):
            self.plan.unchanged += 1
            return
        for name, value in values.items():
            setattr(unit, name, value)
        unit.version += 1
        self.plan.updates.append(unit)

    def check_parent(self, row: UnitRow, tree_empty: bool) -> None:
        parent_code = row.parent_code
        if not parent_code:
            if self.actor is not None and not tree_empty:
                self.error(
                    row, PARENT, _("上级单位代码不能为空：组织架构已存在时，新单位必须挂在已有单位或本文件的单位之下")
                )
        elif parent_code == row.code:
            self.error(row, PARENT, _("上级单位不能是本单位"))
        elif parent_code in self.existing:
            parent = self.existing[parent_code]
            if not self.may_manage(parent):
                self.error(
                    row,
                    PARENT,
                    _("上级单位「{name}（{parent_code}）」不在您的组织管理范围内").format(
                        name=parent.name, parent_code=parent_code
                    ),
                )
        elif parent_code not in self.new:
            self.error(
                row, PARENT, _("上级单位代码「{parent_code}」在系统和本文件中都不存在").format(parent_code=parent_code)
            )

    def check_cycles(self) -> None:
        state: dict[str, int] = {}
        for start in self.new:
            chain: list[str] = []
            code = start
            while code in self.new and code not in state:
                state[code] = 1
                chain.append(code)
                parent = self.new[code].parent_code
                code = parent if parent != code else ""
            if code in self.new and state.get(code) == 1:
                cycle = chain[chain.index(code) :]
                text = " → ".join([*cycle, code])
                for member in cycle:
                    self.error(self.new[member], PARENT, _("上级单位关系形成循环：{text}").format(text=text))
            for code in chain:
                state[code] = 2

    def place(self) -> None:
        """Give every new unit its path: siblings are numbered in file order after the parent's child_seq."""
        children: dict[str, list[UnitRow]] = defaultdict(list)
        for row in sorted(self.new.values(), key=lambda r: r.row):
            children[row.parent_code].append(row)
        queue: list[tuple[str, str, int, int, int | None]] = []
        if children.get(""):
            queue.append(("", "", 0, services.next_top_number() - 1, None))
        for code in children:
            if code in self.existing:
                parent = self.existing[code]
                queue.append((code, parent.path, parent.level, parent.child_seq, parent.pk))
                parent.child_seq += len(children[code])
                self.plan.parents.append(parent)
        while queue:
            parent_code, parent_path, parent_level, last, parent_id = queue.pop()
            for offset, row in enumerate(children.get(parent_code, ()), start=1):
                unit = self.new_unit(row, parent_path, parent_level, last + offset, parent_id, children)
                if unit is not None:
                    queue.append((row.code, unit.path, unit.level, 0, None))

    def new_unit(
        self,
        row: UnitRow,
        parent_path: str,
        parent_level: int,
        number: int,
        parent_id: int | None,
        children: dict[str, list[UnitRow]],
    ) -> Unit | None:
        if parent_level + 1 > MAX_DEPTH:
            self.error(row, PARENT, _("层级超过 {max_depth} 级").format(max_depth=MAX_DEPTH))
            return None
        if number > paths.MAX_CHILDREN:
            self.error(
                row,
                PARENT,
                _("同一上级单位的下级单位不能超过 {max_children} 个").format(max_children=paths.MAX_CHILDREN),
            )
            return None
        unit = Unit(
            code=row.code,
            name=row.name,
            kind=self.kinds[row.kind_name],
            parent_id=parent_id,
            path=paths.child_path(parent_path, number),
            level=parent_level + 1,
            child_seq=len(children.get(row.code, ())),
            member_count=row.member_count or 0,
            leaders=row.leaders,
        )
        if parent_id is None and row.parent_code:
            self.plan.new_parent_codes[row.code] = row.parent_code
        self.plan.new_units.append(unit)
        return unit


def plan_import(
    actor: Any, rows: list[UnitRow], errors: list[RowError] | None = None, *, file_name: str = "", sha256: str = ""
) -> UnitImportPlan:
    """Check the rows (``actor`` None is the system, unrestricted) and plan the writes; run inside a transaction."""
    plan = UnitImportPlan(file_name=file_name, sha256=sha256)
    errors = list(errors or [])
    planner = _Planner(actor, rows, errors, plan)
    planner.check()
    if not errors:
        planner.place()
    if errors:
        raise ImportFailed(errors)
    return plan


def import_units(
    actor: Any, fileobj: IO[bytes], *, file_name: str = "", sha256: str = "", progress: Progress | None = None
) -> dict[str, Any]:
    """Import an org tree workbook; raise ``ImportFailed`` listing every error, having written nothing."""
    report = progress or (lambda percent, message: None)
    report(5, "正在读取文件")
    rows, errors = read_rows(fileobj, report)
    report(50, f"已读取 {len(rows)} 行，正在校验")
    with transaction.atomic():
        plan = plan_import(actor, rows, errors, file_name=file_name, sha256=sha256)
        report(70, f"校验通过：新建 {len(plan.new_units)} 个单位，更新 {len(plan.updates)} 个，正在写入")
        summary = services.apply_unit_import(actor, plan)
    report(100, summary_message(summary))
    return summary


def summary_message(summary: dict[str, Any]) -> str:
    created, updated, unchanged = summary["created"], summary["updated"], summary["unchanged"]
    return _("导入完成：新建 {created} 个单位，更新 {updated} 个，未变 {unchanged} 个。").format(
        created=created, updated=updated, unchanged=unchanged
    )


def template_workbook() -> bytes:
    """The import template (导入模板): the header row, and a sheet explaining the columns and listing unit kinds."""
    book = Book()
    book.sheet("单位", SHEET_COLUMNS)
    book.sheet(_("填写说明"), [Column("", width=90)], header=False).write([line] for line in _template_notes())
    return book.bytes()


def _template_notes() -> list[str]:
    kinds = _("、").join(UnitKind.objects.order_by("order", "id").values_list("name", flat=True))
    return [
        _("在「单位」工作表中每行填写一个单位，第一行为表头，请勿修改表头。"),
        _("单位代码：必填，全局唯一，最多 40 个字符；已存在的代码表示更新该单位。"),
        _("单位名称：必填，最多 100 个字符。"),
        _("单位类型：必填，须为系统中的单位类型名称：{kinds}。").format(kinds=kinds),
        _(
            "上级单位代码：上级单位可以是系统中已有的单位，也可以是本文件中的其他行（顺序不限）；"
            "只有组织架构为空时才能留空（顶级单位）。"
        ),
        _("已有单位的上级单位不能通过导入修改，请在单位页面中使用「移动」。"),
        _("成员数：不小于 0 的整数，留空按 0 计。"),
        _("负责人：可填多人，用顿号分隔，最多 200 个字符。"),
        _("文件中任何一行有错误时，整个文件都不会导入；请按错误清单修改后重新上传。"),
    ]
