"""Importing the member register (党员/干部名册) from Excel, all or nothing, at Ningbo's scale (600,000 rows).

The sheet is streamed (openpyxl read-only) and each row checked in memory against the unit codes of the
importer's scope (``MANAGE_MEMBERS``) and the numbers already seen; phones are checked, encrypted and indexed
as the services do. While no error has been found, rows are written with ``bulk_create`` in batches of 5,000
inside one transaction; the first error stops the writing, the rest of the file is still checked, and the
transaction is rolled back, so nothing is stored and every error is reported by row and column.

Existing numbers are refused, not updated: the import adds people; a person already on the register is
edited on their page (or taken off the register first). The whole import is one audit record.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.labels import masked_name
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.imports import (
    EXAMPLE_MARK,
    Column,
    ImportRejected,
    RowError,
    cell_text,
    check_xlsx,
    shown_value,
    write_template,
)
from luoshi.core.uploads import CheckedUpload
from luoshi.members import services
from luoshi.members.choices import MemberKind
from luoshi.members.models import Member
from luoshi.orgs.models import Unit

logger = logging.getLogger(__name__)

SHEET = "党员干部名册"
NUMBER = "编号"
NAME = "姓名"
KIND = "类别"
UNIT = "所在单位代码"
POSITION = "职务"
PHONE = "手机号"
HOME = "组织关系所在单位代码"
CURRENT = "现所在单位代码"
PLACE = "现所在地"
LATITUDE = "纬度"
LONGITUDE = "经度"
BATCH = 5000
PROGRESS_EVERY = 20000
MAX_SHOWN = 500
KINDS = {str(label): value for value, label in MemberKind.choices}

COLUMNS: tuple[Column, ...] = (
    Column(NUMBER, True, gettext_lazy("党员（干部）编号，1–30 位字母、数字、下划线或短横线；全名册唯一。"), 16),
    Column(NAME, True, gettext_lazy("姓名，不超过 60 字。"), 12),
    Column(KIND, False, gettext_lazy("党员、干部或流动党员；留空按“党员”处理。"), 10),
    Column(UNIT, True, gettext_lazy("所在单位的代码，须是您有权管理名册的单位。"), 16),
    Column(POSITION, False, gettext_lazy("职务，如“党支部书记”，不超过 100 字。"), 16),
    Column(PHONE, False, gettext_lazy("11 位手机号；加密保存，列表中只显示部分号码。"), 14),
    Column(HOME, False, gettext_lazy("流动党员：组织关系所在单位的代码。"), 18),
    Column(CURRENT, False, gettext_lazy("流动党员：现所在单位的代码。"), 16),
    Column(PLACE, False, gettext_lazy("流动党员：现所在地（地址），不超过 200 字。"), 24),
    Column(LATITUDE, False, gettext_lazy("现所在地纬度（小数），与经度同时填写或同时留空。"), 10),
    Column(LONGITUDE, False, gettext_lazy("现所在地经度（小数）。"), 10),
)
HEADERS = tuple(c.header for c in COLUMNS)
PERSONAL = frozenset({PHONE, NAME})

Progress = Callable[[int, str], None]


class MembersRejected(ImportRejected):
    """The file has errors; nothing was imported."""

    summary = gettext_lazy("名册中有 {count} 处错误，未导入任何人员。请修改后重新上传。")


@dataclass
class MemberImportResult:
    created: int = 0
    examples: int = 0
    mobile: int = 0
    with_phone: int = 0
    units: set[int] = field(default_factory=set)

    def summary(self) -> str:
        return _("已导入 {created} 人（其中流动党员 {mobile} 人），涉及 {units} 个单位。").format(
            created=self.created, mobile=self.mobile, units=len(self.units)
        )

    def as_result(self) -> dict[str, Any]:
        return {"created": self.created, "mobile": self.mobile, "units": len(self.units), "message": self.summary()}


def max_rows() -> int:
    return int(getattr(settings, "LUOSHI_MEMBER_IMPORT_MAX_ROWS", 1_000_000))


def max_upload_bytes() -> int:
    return int(getattr(settings, "LUOSHI_MEMBER_IMPORT_MAX_BYTES", 200 * 1024 * 1024))


def require_importer(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.MANAGE_MEMBERS):
        raise NotAllowed(_("您无权导入党员干部名册。"))


def check_file(upload: UploadedFile) -> CheckedUpload:
    """The file must be a real .xlsx within the size limit."""
    return check_xlsx(upload, max_upload_bytes())


# --- checking rows ---------------------------------------------------------------------------------------------


class _Checker:
    """Checks one row at a time against the importer's units and the numbers seen so far."""

    def __init__(self, actor: User):
        visible = Unit.objects.filter(scope.visible_q(actor, Perm.MANAGE_MEMBERS, "path"))
        self.scoped: dict[str, tuple[int, str]] = {
            code: (pk, path) for code, pk, path in visible.values_list("code", "pk", "path")
        }
        self.all_codes: dict[str, int] | None = None
        self.seen: dict[str, int] = {}
        self.errors: list[RowError] = []
        self.error_total = 0

    def fail(self, row: int, column: str, message: str, value: Any = None) -> None:
        self.error_total += 1
        if len(self.errors) < MAX_SHOWN:
            shown = "" if column in PERSONAL else shown_value(value, message)
            self.errors.append(RowError(row, column, message, shown))

    def any_unit(self, code: str) -> int | None:
        """Home and current units of a mobile member may lie outside the importer's scope: any unit by code."""
        if code in self.scoped:
            return self.scoped[code][0]
        if self.all_codes is None:
            self.all_codes = dict(Unit.objects.values_list("code", "pk"))
        return self.all_codes.get(code)

    def check(self, row: int, cells: dict[str, Any]) -> Member | None:
        before = self.error_total
        number = self._number(row, cell_text(cells.get(NUMBER)))
        name = self._text(row, NAME, cells, services.MAX_NAME, required=True)
        kind_label = cell_text(cells.get(KIND))
        kind = KINDS.get(kind_label or str(MemberKind.PARTY.label))
        if kind is None:
            self.fail(row, KIND, _("类别只能是：{options}。").format(options="、".join(KINDS)), kind_label)
        unit_code = cell_text(cells.get(UNIT))
        unit = self.scoped.get(unit_code)
        if not unit_code:
            self.fail(row, UNIT, _("所在单位代码不能为空。"))
        elif unit is None:
            self.fail(row, UNIT, _("单位代码「{code}」不存在或不在您管理的范围内。").format(code=unit_code[:40]))
        position = self._text(row, POSITION, cells, services.MAX_POSITION)
        phone = self._phone(row, cells.get(PHONE))
        home, current = self._other_unit(row, HOME, cells), self._other_unit(row, CURRENT, cells)
        place = self._text(row, PLACE, cells, services.MAX_PLACE)
        lat, lon = self._place(row, cells)
        if self.error_total > before or unit is None or kind is None:
            return None
        return Member(
            unit_id=unit[0],
            org_path=unit[1],
            number=number,
            name=name,
            kind=kind,
            position=position,
            home_unit_id=home,
            current_unit_id=current,
            current_place=place,
            latitude=lat,
            longitude=lon,
            **services.phone_fields(phone),
        )

    def _number(self, row: int, number: str) -> str:
        try:
            number = services.clean_number(number)
        except RuleViolation as exc:
            self.fail(row, NUMBER, _("编号不能为空。") if not number else str(exc))
            return number
        if number in self.seen:
            self.fail(
                row, NUMBER, _("编号「{number}」与第 {row} 行重复。").format(number=number, row=self.seen[number])
            )
        else:
            self.seen[number] = row
        return number

    def _text(self, row: int, column: str, cells: dict[str, Any], limit: int, required: bool = False) -> str:
        value = cell_text(cells.get(column))
        if required and not value:
            self.fail(row, column, _("{column}不能为空。").format(column=column))
        elif len(value) > limit:
            self.fail(
                row,
                column,
                _("{column}有 {n} 字，不能超过 {limit} 字。").format(column=column, n=len(value), limit=limit),
            )
        return value

    def _phone(self, row: int, value: Any) -> str:
        try:
            return services.clean_phone(cell_text(value))
        except RuleViolation:
            self.fail(row, PHONE, _("手机号格式不对，应为 11 位手机号。"))
            return ""

    def _other_unit(self, row: int, column: str, cells: dict[str, Any]) -> int | None:
        code = cell_text(cells.get(column))
        if not code:
            return None
        found = self.any_unit(code)
        if found is None:
            self.fail(row, column, _("单位代码「{code}」不存在。").format(code=code[:40]))
        return found

    def _place(self, row: int, cells: dict[str, Any]) -> tuple[Decimal | None, Decimal | None]:
        found: list[Decimal | None] = []
        for column, bound in ((LATITUDE, 90), (LONGITUDE, 180)):
            try:
                found.append(services.clean_coordinate(cell_text(cells.get(column)), column, bound))
            except RuleViolation as exc:
                self.fail(row, column, str(exc))
                found.append(None)
        if bool(cell_text(cells.get(LATITUDE))) != bool(cell_text(cells.get(LONGITUDE))):
            self.fail(row, LATITUDE, _("纬度和经度要么都填，要么都不填。"))
        return found[0], found[1]

    def reported(self) -> list[RowError]:
        """The first errors, and a last line saying how many more there are."""
        if self.error_total <= MAX_SHOWN:
            return self.errors
        hidden = self.error_total - MAX_SHOWN
        more = RowError(0, "", _("另有 {count} 处错误未列出，请先修改以上错误。").format(count=hidden))
        return [*self.errors[:MAX_SHOWN], more]


# --- reading the sheet -----------------------------------------------------------------------------------------


def _rows(source: IO[bytes], checker: _Checker) -> Iterator[tuple[int, dict[str, Any], int]]:
    """(row number, cells by header, the sheet's row count) of every non-blank, non-example row; file-level
    problems are errors of the checker and end the reading."""
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:
        logger.warning("unreadable member workbook", exc_info=True)
        checker.fail(0, "", _("文件无法读取，请上传 Excel 2007 及以上版本的 .xlsx 文件。"))
        return
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        total = sheet.max_row or 0
        lines = sheet.iter_rows(values_only=True)
        positions = _positions(next(lines, None), checker)
        if positions is None:
            return
        for number, line in enumerate(lines, start=2):
            cells = {name: line[i] for name, i in positions.items() if i < len(line)}
            if not any(v is not None and str(v).strip() for v in cells.values()):
                continue
            yield number, cells, total
    except Exception:
        logger.warning("damaged member worksheet", exc_info=True)
        checker.fail(0, "", _("文件内容已损坏，无法读取，请另存为 .xlsx 后重新上传。"))
    finally:
        workbook.close()


def _positions(header: Any, checker: _Checker) -> dict[str, int] | None:
    positions: dict[str, int] = {}
    for index, value in enumerate(header or ()):
        name = cell_text(value).rstrip("*＊").strip()
        if name in HEADERS and name not in positions:
            positions[name] = index
    missing = [c.header for c in COLUMNS if c.required and c.header not in positions]
    for name in missing:
        checker.fail(1, name, _("缺少表头「{name}」，请使用导入模板。").format(name=name))
    return None if missing else positions


# --- the import ------------------------------------------------------------------------------------------------


def import_members(
    actor: User, file: IO[bytes] | UploadedFile, filename: str = "", progress: Progress | None = None, sha256: str = ""
) -> MemberImportResult:
    """导入名册: add every row of the file to the register, or nothing (``MembersRejected`` with the errors)."""
    require_importer(actor)
    source: Any = file
    filename = filename or getattr(file, "name", "") or "members.xlsx"
    checker, result = _Checker(actor), MemberImportResult()
    with transaction.atomic():
        _stream(source, checker, result, progress)
        if checker.error_total:
            transaction.set_rollback(True)
        elif result.created == 0:
            checker.fail(0, "", _("文件中没有人员数据。"))
            transaction.set_rollback(True)
        else:
            _audit(actor, filename, sha256, result)
    if checker.error_total:
        raise MembersRejected(checker.reported(), checker.error_total)
    return result


def _stream(source: IO[bytes], checker: _Checker, result: MemberImportResult, progress: Progress | None) -> None:
    batch: list[Member] = []
    limit = max_rows()
    count = 0
    for row, cells, total in _rows(source, checker):
        if cell_text(cells.get(NAME)).startswith(EXAMPLE_MARK) or cell_text(cells.get(NUMBER)).startswith(EXAMPLE_MARK):
            result.examples += 1
            continue
        count += 1
        if count > limit:
            checker.fail(row, "", _("单个文件最多导入 {limit} 行，请拆分后分批导入。").format(limit=limit))
            return
        member = checker.check(row, cells)
        if member is not None:
            batch.append(member)
            if len(batch) >= BATCH:
                _write(batch, checker, result)
                batch = []
        if progress and count % PROGRESS_EVERY == 0:
            progress(min(95, count * 95 // max(total, 1)), _("已检查 {count} 行").format(count=count))
    if batch:
        _write(batch, checker, result)


def _write(batch: list[Member], checker: _Checker, result: MemberImportResult) -> None:
    """Write a batch of checked rows; a number already on the register is an error of its row, and after any
    error rows are only checked, no more written."""
    numbers = [m.number for m in batch]
    taken = set(Member.objects.filter(number__in=numbers).values_list("number", flat=True))
    if taken:
        for number in numbers:
            if number in taken:
                message = _("编号「{number}」已在名册中；导入只新增人员，请在名册中修改已有人员。")
                checker.fail(checker.seen[number], NUMBER, message.format(number=number))
    if checker.error_total:
        return
    Member.objects.bulk_create(batch, batch_size=BATCH)
    result.created += len(batch)
    result.mobile += sum(1 for m in batch if m.kind == MemberKind.MOBILE)
    result.with_phone += sum(1 for m in batch if m.phone_index)
    result.units.update(m.unit_id for m in batch)


def _audit(actor: User, filename: str, sha256: str, result: MemberImportResult) -> None:
    record(
        Action.IMPORT,
        actor=actor,
        object_type="members.member",
        object_repr=_("党员干部名册"),
        detail=_("导入党员干部名册「{file}」，{count} 人").format(file=masked_name(filename), count=result.created)[
            :200
        ],
        after={
            "file": masked_name(filename),
            "sha256": sha256,
            "created": result.created,
            "mobile": result.mobile,
            "with_phone": result.with_phone,
            "units": len(result.units),
        },
    )


# --- the template ----------------------------------------------------------------------------------------------


def build_template(target: IO[bytes]) -> None:
    """The import template: header, one example row, the help sheet and a list of kinds."""
    example = {
        NUMBER: EXAMPLE_MARK + "0001",
        NAME: _("张三"),
        KIND: str(MemberKind.MOBILE.label),
        UNIT: "D001",
        POSITION: _("党支部书记"),
        PHONE: "13800000000",
        HOME: "S001",
        CURRENT: "D002",
        PLACE: _("某市某区某街道"),
        LATITUDE: 30.123456,
        LONGITUDE: 120.123456,
    }
    notes = (
        _("第 1 行为表头，请勿修改；红色表头为必填列，灰色为选填列。"),
        _("编号以“{mark}”开头的行视为示例，导入时跳过。").format(mark=EXAMPLE_MARK),
        _("导入只新增人员：编号已在名册中的行会报错；修改已有人员请在名册页面操作。"),
        _("任何一行有错误时，整个文件都不会导入；请按错误清单逐条修改后重新上传。"),
        _("单个文件最多 {limit} 行。").format(limit=max_rows()),
    )
    write_template(target, SHEET, COLUMNS, example, notes, dropdowns={KIND: list(KINDS)})


def template_bytes() -> bytes:
    buffer = io.BytesIO()
    build_template(buffer)
    return buffer.getvalue()
