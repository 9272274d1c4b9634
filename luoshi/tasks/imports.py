"""Importing a key-task list (重点任务清单) with its assignments from Excel.

Every row is checked first and every error is reported by row and column; if there is any, nothing
is written. Otherwise each row becomes a task (``services.create_task``) and its lead and assisting
units are assigned (``services.assign``), all in one transaction: scope, audit and timelines apply
exactly as by hand. A row names its parent by the parent's 任务编号 in an earlier row (three levels).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.labels import masked_name
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.campaigns.models import Campaign
from luoshi.core import paths
from luoshi.core.errors import NotAllowed
from luoshi.core.excel import Cells
from luoshi.core.imports import (
    EXAMPLE_MARK,
    Column,
    RawRow,
    RowChecker,
    RowError,
    SheetFormat,
    capped,
    cell_list,
    cell_text,
    check_xlsx,
    read_sheet,
    refused_row,
    write_template,
)
from luoshi.core.imports import ImportRejected as RowsRejected
from luoshi.core.uploads import CheckedUpload
from luoshi.orgs.models import Unit
from luoshi.tasks import services
from luoshi.tasks.choices import AssignRole, Cycle
from luoshi.tasks.models import Task, TaskSource
from luoshi.tasks.workflow import MAX_LEVEL

SHEET = "重点任务清单"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 1000
MAX_REPORTED_ERRORS = 500

COLUMNS: tuple[Column, ...] = (
    Column("任务编号", False, gettext_lazy("本表内的编号，如 1、1.1；供下级任务的“上级任务编号”引用。"), 10),
    Column("上级任务编号", False, gettext_lazy("分解的子任务填写上级任务的任务编号（须在前面的行）；最多三级。"), 12),
    Column("任务名称", True, gettext_lazy("不超过 200 字。"), 36),
    Column("任务来源", True, gettext_lazy("本活动设置的任务来源之一，请从下拉列表中选择。"), 12),
    Column("任务描述", False, gettext_lazy("任务的具体内容和要求。"), 40),
    Column(
        "主办单位代码",
        False,
        gettext_lazy("下达任务的单位代码，留空为活动的牵头单位；子任务沿用上级任务的主办单位。"),
        14,
    ),
    Column("责任领导", False, gettext_lazy("责任领导的姓名。"), 12),
    Column("权重", False, gettext_lazy("正数，留空按 1；汇总上级任务进度时使用。"), 8),
    Column(
        "完成时限",
        True,
        gettext_lazy("日期，可写成 2026-03-01、2026/3/1 或 2026年3月1日；子任务不得晚于上级任务。"),
        12,
    ),
    Column("报送周期", False, gettext_lazy("每周、每半月、每月、一次之一，留空按“每月”。"), 10),
    Column("牵头单位代码", False, gettext_lazy("交办的牵头单位代码，多个用顿号或逗号分隔，须在主办单位范围内。"), 20),
    Column("配合单位代码", False, gettext_lazy("交办的配合单位代码，写法同上。"), 20),
    Column("交办时限", False, gettext_lazy("各承办单位的办理时限，留空同完成时限，不得晚于完成时限。"), 12),
)
HEADERS = tuple(c.header for c in COLUMNS)
CYCLE_BY_LABEL: dict[str, str] = {
    "每周": Cycle.WEEKLY,
    "每半月": Cycle.SEMIMONTHLY,
    "每月": Cycle.MONTHLY,
    "一次": Cycle.ONCE,
}


class ImportRejected(RowsRejected):
    """The list has errors; nothing was imported."""

    summary = gettext_lazy("任务清单中有 {count} 处错误，未导入任何任务。请修改后重新上传。")


@dataclass
class Row:
    """A checked row, ready to be created."""

    row: int
    key: str
    parent_key: str
    title: str
    source: TaskSource
    description: str
    unit: Unit | None
    leader_name: str
    weight: Decimal
    due_on: dt.date
    cycle: str
    leads: list[Unit]
    assists: list[Unit]
    assign_due: dt.date


@dataclass
class ImportReport:
    tasks: int
    assignments: int
    task_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return _("已导入 {tasks} 项任务，交办 {count} 个单位。").format(tasks=self.tasks, count=self.assignments)


def check_upload_file(upload: UploadedFile) -> CheckedUpload:
    return check_xlsx(upload, MAX_BYTES)


# --- reading ----------------------------------------------------------------------------------------------------


TASK_LIST = SheetFormat(
    SHEET,
    COLUMNS,
    example_column="任务名称",
    too_many=gettext_lazy("单个文件最多导入 {limit} 行，请拆分后分批导入。"),
    empty=gettext_lazy("文件中没有任务数据。"),
    max_blank_run=None,
    what="task",
)


def read_rows(source: IO[bytes]) -> tuple[list[RawRow], list[RowError]]:
    """The sheet's rows as {header: value}, blank and example rows skipped; or file-level errors."""
    found = read_sheet(source, TASK_LIST, MAX_ROWS)
    return found.rows, found.errors


# --- checking ---------------------------------------------------------------------------------------------------


class _Checker(RowChecker):
    """Looks everything up once, then checks each row and collects every error."""

    def __init__(self, user: User, campaign: Campaign, rows: list[RawRow]):
        super().__init__()
        self.user, self.campaign = user, campaign
        self.sources = {s.name: s for s in services.sources_for(campaign)}
        headers = ("主办单位代码", "牵头单位代码", "配合单位代码")
        codes = {c for raw in rows for h in headers for c in cell_list(raw.values.get(h))}
        self.units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        self.seen: dict[str, tuple[int, int, dt.date, Unit]] = {}  # key -> row, level, due, issuing unit

    def check(self, number: int, values: dict[str, Any]) -> Row | None:
        before = len(self.errors)
        self.values = values
        title = self._title(number, cell_text(values.get("任务名称")))
        source = self._source(number, cell_text(values.get("任务来源")))
        due_on = self._date(number, "完成时限", values.get("完成时限"), required=True)
        parent_key, level, parent_due, parent_unit = self._parent(number, cell_text(values.get("上级任务编号")))
        unit = parent_unit or self._issuer(number, cell_text(values.get("主办单位代码")))
        if due_on and parent_due and due_on > parent_due:
            self.fail(
                number,
                "完成时限",
                _("子任务的完成时限不能晚于上级任务（{due}）。").format(due=f"{parent_due:%Y-%m-%d}"),
            )
        weight = self._weight(number, cell_text(values.get("权重")))
        cycle = self._cycle(number, cell_text(values.get("报送周期")))
        assign_due = self._date(number, "交办时限", values.get("交办时限"), required=False) or due_on
        if assign_due and due_on and assign_due > due_on:
            self.fail(number, "交办时限", _("交办时限不能晚于完成时限。"))
        within = unit or self.campaign.unit
        leads = self._targets(number, "牵头单位代码", within)
        assists = self._targets(number, "配合单位代码", within)
        for unit_code in {u.code for u in leads} & {u.code for u in assists}:
            self.fail(number, "配合单位代码", _("单位「{code}」已列为牵头单位。").format(code=unit_code))
        key = self._key(number, cell_text(values.get("任务编号")), level, due_on, within)
        if len(self.errors) > before or not (source and due_on and assign_due):
            return None
        return Row(
            number, key, parent_key, title, source, cell_text(values.get("任务描述")), unit,
            cell_text(values.get("责任领导"))[:50], weight, due_on, cycle, leads, assists, assign_due,
        )  # fmt: skip

    def _title(self, row: int, title: str) -> str:
        if not title:
            self.fail(row, "任务名称", _("任务名称不能为空。"))
        elif len(title) > 200:
            self.fail(row, "任务名称", _("任务名称有 {length} 字，不能超过 200 字。").format(length=len(title)))
        return title

    def _source(self, row: int, name: str) -> TaskSource | None:
        if not name:
            self.fail(row, "任务来源", _("任务来源不能为空。"))
        elif name not in self.sources:
            options = _("、").join(self.sources)
            self.fail(
                row,
                "任务来源",
                _("「{name}」不是本活动的任务来源，可选：{options}。").format(name=name, options=options),
            )
        return self.sources.get(name)

    def _date(self, row: int, column: str, value: Any, required: bool) -> dt.date | None:
        return self.date(row, column, value, _("不是有效日期，请写成 2026-03-01 这样的格式。"), required=required)

    def _parent(self, row: int, key: str) -> tuple[str, int, dt.date | None, Unit | None]:
        if not key:
            return "", 1, None, None
        found = self.seen.get(key)
        if found is None:
            self.fail(row, "上级任务编号", _("找不到任务编号为「{key}」的上级任务（须在前面的行）。").format(key=key))
            return key, 1, None, None
        _row, level, due, unit = found
        if level >= MAX_LEVEL:
            self.fail(
                row,
                "上级任务编号",
                _("任务最多分解为 {levels} 级，不能在第 {levels} 级任务下再分解。").format(levels=MAX_LEVEL),
            )
        return key, level + 1, due, unit

    def _issuer(self, row: int, code: str) -> Unit | None:
        if not code:
            unit = self.campaign.unit
        elif code not in self.units:
            self.fail(row, "主办单位代码", _("找不到代码为「{code}」的单位。").format(code=code))
            return None
        else:
            unit = self.units[code]
        if not paths.is_within(unit.path, self.campaign.unit.path):
            self.fail(
                row,
                "主办单位代码",
                _("单位「{unit}」不在活动「{campaign}」的范围内。").format(unit=unit, campaign=self.campaign),
            )
        elif not scope.can(self.user, Perm.MANAGE_TASKS, unit.path):
            self.fail(row, "主办单位代码", _("您无权以单位「{unit}」的名义部署任务。").format(unit=unit))
        return unit

    def _weight(self, row: int, text: str) -> Decimal:
        if not text:
            return Decimal(1)
        try:
            weight = Decimal(text)
        except InvalidOperation:
            weight = Decimal(0)
        if not weight.is_finite() or weight <= 0 or weight >= Decimal("1000000") or weight != round(weight, 2):
            self.fail(row, "权重", _("权重须为正数，最多两位小数。"))
            return Decimal(1)
        return weight

    def _cycle(self, row: int, label: str) -> str:
        message = _("「{label}」不是有效的报送周期，可选：{options}。")
        return self.choice(row, "报送周期", label, CYCLE_BY_LABEL, Cycle.MONTHLY, message)

    def _targets(self, row: int, column: str, within: Unit) -> list[Unit]:
        found = []
        for code in dict.fromkeys(cell_list(self.values.get(column))):
            unit = self.units.get(code)
            if unit is None:
                self.fail(row, column, _("找不到代码为「{code}」的单位。").format(code=code))
            elif not paths.is_within(unit.path, within.path):
                self.fail(
                    row,
                    column,
                    _("单位「{unit}」（{code}）不在主办单位「{within}」的范围内。").format(
                        unit=unit, code=code, within=within
                    ),
                )
            else:
                found.append(unit)
        return found

    def _key(self, row: int, key: str, level: int, due_on: dt.date | None, unit: Unit) -> str:
        if not key:
            return ""
        if key in self.seen:
            self.fail(row, "任务编号", _("任务编号「{key}」与第 {row} 行重复。").format(key=key, row=self.seen[key][0]))
        elif due_on is not None:
            self.seen[key] = (row, level, due_on, unit)
        return key


def check_rows(user: User, campaign: Campaign, raw: list[RawRow]) -> tuple[list[Row], list[RowError]]:
    checker = _Checker(user, campaign, raw)
    rows = [row for row in (checker.check(found.row, found.values) for found in raw) if row is not None]
    return rows, checker.errors


# --- creating ---------------------------------------------------------------------------------------------------


def _create(user: User, campaign: Campaign, row: Row, parents: dict[str, Task]) -> tuple[Task, int]:
    task = services.create_task(
        user,
        campaign=campaign,
        title=row.title,
        source=row.source,
        due_on=row.due_on,
        unit=row.unit,
        parent=parents.get(row.parent_key),
        description=row.description,
        leader_name=row.leader_name,
        weight=row.weight,
        cycle=row.cycle,
    )
    made = 0
    for role, units in ((AssignRole.LEAD, row.leads), (AssignRole.ASSIST, row.assists)):
        if units:
            made += services.assign(user, task, units=units, role=role, due_on=row.assign_due).count
    return task, made


def import_tasks(user: User, campaign: Campaign, source: IO[bytes], filename: str) -> ImportReport:
    """导入重点任务清单: check every row, then create every task and assignment in one transaction, or none."""
    if not scope.has_perm_anywhere(user, Perm.MANAGE_TASKS) or not campaign.is_active:
        raise NotAllowed(_("您无权向该活动导入重点任务。"))
    raw, errors = read_rows(source)
    if errors:
        raise ImportRejected(errors)
    rows, errors = check_rows(user, campaign, raw)
    if errors:
        raise ImportRejected(capped(errors, MAX_REPORTED_ERRORS), total=len(errors))
    report = ImportReport(0, 0)
    parents: dict[str, Task] = {}
    with transaction.atomic():
        for row in rows:
            with refused_row(row.row, ImportRejected):
                task, made = _create(user, campaign, row, parents)
            if row.key:
                parents[row.key] = task
            report.tasks, report.assignments = report.tasks + 1, report.assignments + made
            report.task_ids.append(task.pk)
        record(
            Action.IMPORT,
            actor=user,
            obj=campaign,
            detail=f"导入重点任务清单「{masked_name(filename)}」，任务 {report.tasks} 项"[:200],
            after={"file": masked_name(filename), "tasks": report.tasks, "assignments": report.assignments},
        )
    return report


# --- the template -----------------------------------------------------------------------------------------------

TEMPLATE_ROWS = 1000


def _example(campaign: Campaign) -> dict[str, Any]:
    today = timezone.localdate()
    source = services.sources_for(campaign)[0]
    return {
        "任务编号": "1",
        "任务名称": EXAMPLE_MARK + _("推进老旧小区改造"),
        "任务来源": source.name,
        "任务描述": _("本行为填写示例，导入时自动跳过；可删除或覆盖。"),
        "主办单位代码": campaign.unit.code,
        "权重": 1,
        "完成时限": today + dt.timedelta(days=90),
        "报送周期": "每月",
        "牵头单位代码": campaign.unit.code,
    }


def _notes(campaign: Campaign) -> tuple[str, ...]:
    return (
        _("本模板适用于活动「{campaign}」，任务来源的下拉选项取自该活动的设置。").format(campaign=campaign),
        _("第 1 行为表头，请勿修改；红色表头为必填列，灰色为选填列。"),
        _("任务名称以“{mark}”开头的行视为示例，导入时跳过。").format(mark=EXAMPLE_MARK),
        _("清单中任何一行有错误时，整个文件都不会导入；请按错误清单逐条修改后重新上传。"),
        _("子任务在“上级任务编号”中填写上级任务的任务编号，最多分解为三级。单个文件最多 {limit} 行。").format(
            limit=MAX_ROWS
        ),
    )


def build_template(campaign: Campaign, target: IO[bytes]) -> None:
    """The import template of a campaign: header, one example row, dropdowns and a sheet of help."""
    kinds = {"完成时限": Cells.DATE, "交办时限": Cells.DATE, "权重": Cells.DECIMAL}
    lists = {"任务来源": [s.name for s in services.sources_for(campaign)], "报送周期": list(CYCLE_BY_LABEL)}
    write_template(
        target,
        SHEET,
        COLUMNS,
        _example(campaign),
        _notes(campaign),
        kinds,
        dropdowns=lists,
        rows=TEMPLATE_ROWS,
        options_width=14,
    )


def template_user_check(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.MANAGE_TASKS):
        raise NotAllowed(_("您无权导入重点任务。"))
