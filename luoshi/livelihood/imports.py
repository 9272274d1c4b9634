"""Importing a campaign's project list (民生实事项目清单) from Excel, all or nothing.

Every row is checked first and all errors are reported together (row, column, what is wrong); if there is
any, nothing is written. Otherwise every row is created through ``services.create_project`` in one
transaction, so scope, the timeline and the audit log apply exactly as for a project made by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
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
    cell_list,
    cell_text,
    check_xlsx,
    read_sheet,
    refused_row,
    write_template,
)
from luoshi.core.imports import ImportRejected as RowsRejected
from luoshi.core.uploads import CheckedUpload
from luoshi.livelihood import queries, services
from luoshi.livelihood.choices import Category
from luoshi.livelihood.models import LivelihoodProject
from luoshi.orgs.models import Unit

SHEET = "民生实事项目"
DATES = (dt.date(1900, 1, 1), dt.date(2999, 12, 31))
CATEGORY_BY_LABEL: dict[str, str] = {
    "教育": Category.EDUCATION,
    "医疗卫生": Category.HEALTH,
    "养老托育": Category.CARE,
    "交通出行": Category.TRANSPORT,
    "住房保障": Category.HOUSING,
    "就业创业": Category.JOBS,
    "环境整治": Category.ENVIRONMENT,
    "文化体育": Category.CULTURE,
    "公共安全": Category.SAFETY,
    "其他": Category.OTHER,
}


COLUMNS: tuple[Column, ...] = (
    Column("项目名称", True, gettext_lazy("项目的名称，不超过 200 字；同一活动中不能重名。"), 36),
    Column("项目内容", False, gettext_lazy("建设内容、目标和服务对象。"), 50),
    Column("类别", False, gettext_lazy("教育、医疗卫生、养老托育等之一，留空按“其他”处理。"), 12),
    Column("牵头单位代码", True, gettext_lazy("牵头单位在组织架构中的代码，须是您有权管理民生实事的单位。"), 14),
    Column("配合单位代码", False, gettext_lazy("配合单位的代码，多个用顿号或逗号分隔。"), 20),
    Column("责任领导", True, gettext_lazy("责任领导的姓名和职务。"), 16),
    Column("投资（万元）", False, gettext_lazy("计划投资额，单位万元，可带两位小数。"), 12),
    Column("计划完成时间", True, gettext_lazy("日期，可以写成 2026-12-31、2026/12/31 或 2026年12月31日。"), 14),
)
HEADERS = tuple(c.header for c in COLUMNS)


class ImportRejected(RowsRejected):
    """The file has errors; nothing was imported."""

    summary = gettext_lazy("项目清单中有 {count} 处错误，未导入任何项目。请修改后重新上传。")


@dataclass
class ProjectRow:
    row: int
    title: str
    description: str
    category: str
    lead_unit: Unit
    assisting_units: list[Unit]
    leader_name: str
    budget: Decimal | None
    deadline: dt.date


def max_rows() -> int:
    return int(getattr(settings, "LUOSHI_LIVELIHOOD_IMPORT_MAX_ROWS", 1000))


# --- reading -------------------------------------------------------------------------------------------

PROJECT_LIST = SheetFormat(
    SHEET,
    COLUMNS,
    example_column="项目名称",
    too_many=gettext_lazy("单个文件最多导入 {limit} 行，请拆分后分批导入。"),
    empty=gettext_lazy("文件中没有项目数据。"),
    what="project list",
)


def read_rows(source: IO[bytes]) -> tuple[list[RawRow], list[RowError]]:
    """The sheet's rows as {header: value}, blank and example rows skipped; or file-level errors."""
    found = read_sheet(source, PROJECT_LIST, max_rows())
    return found.rows, found.errors


# --- checking ------------------------------------------------------------------------------------------


class _Checker(RowChecker):
    """Looks every unit and existing title up once, then checks each row and collects every error."""

    def __init__(self, user: User, campaign: Campaign, rows: list[RawRow]):
        super().__init__()
        self.user, self.campaign = user, campaign
        codes = {code for raw in rows for code in self._codes(raw.values)}
        self.units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        titles = {cell_text(raw.values.get("项目名称")) for raw in rows}
        existing = LivelihoodProject.objects.filter(campaign=campaign, title__in=titles)
        self.existing = {p.title: p.number for p in existing}
        self.seen: dict[str, int] = {}

    @staticmethod
    def _codes(values: dict[str, Any]) -> list[str]:
        return [cell_text(values.get("牵头单位代码")), *cell_list(values.get("配合单位代码"))]

    def check(self, row: int, values: dict[str, Any]) -> ProjectRow | None:
        before, self.values = len(self.errors), values
        title = self._title(row, cell_text(values.get("项目名称")))
        category = self._category(row, cell_text(values.get("类别")))
        lead = self._lead_unit(row, cell_text(values.get("牵头单位代码")))
        helpers = self._helpers(row, values.get("配合单位代码"))
        leader = cell_text(values.get("责任领导"))
        if not leader:
            self.fail(row, "责任领导", _("责任领导不能为空。"))
        elif len(leader) > 50:
            self.fail(row, "责任领导", _("责任领导不能超过 50 字。"))
        budget = self._budget(row, values.get("投资（万元）"))
        deadline = self._date(row, "计划完成时间", values.get("计划完成时间"))
        if len(self.errors) > before or lead is None or deadline is None:
            return None
        description = cell_text(values.get("项目内容"))
        return ProjectRow(row, title, description, category, lead, helpers, leader, budget, deadline)

    def _title(self, row: int, title: str) -> str:
        column = "项目名称"
        if not title:
            self.fail(row, column, _("项目名称不能为空。"))
        elif len(title) > 200:
            self.fail(row, column, _("项目名称有 {n} 字，不能超过 200 字。").format(n=len(title)))
        elif title in self.existing:
            self.fail(row, column, _("本活动已有同名项目 {number}，请勿重复导入。").format(number=self.existing[title]))
        elif title in self.seen:
            self.fail(row, column, _("与第 {row} 行的项目重名。").format(row=self.seen[title]))
        else:
            self.seen[title] = row
        return title

    def _category(self, row: int, label: str) -> str:
        message = _("「{label}」不是有效的类别，可选：{options}。")
        return self.choice(row, "类别", label, CATEGORY_BY_LABEL, Category.OTHER, message)

    def _unit(self, row: int, column: str, code: str) -> Unit | None:
        unit = self.units.get(code)
        if unit is None:
            self.fail(row, column, _("找不到代码为「{code}」的单位。").format(code=code), code)
        elif not paths.is_within(unit.path, self.campaign.unit.path):
            message = _("单位「{unit}」不在活动「{campaign}」的范围内。").format(unit=unit, campaign=self.campaign)
            self.fail(row, column, message, code)
        else:
            return unit
        return None

    def _lead_unit(self, row: int, code: str) -> Unit | None:
        column = "牵头单位代码"
        if not code:
            self.fail(row, column, _("牵头单位代码不能为空。"))
            return None
        unit = self._unit(row, column, code)
        if unit is not None and not scope.can(self.user, Perm.MANAGE_PROJECTS, unit.path):
            self.fail(
                row, column, _("单位「{unit}」（{code}）不在您可管理民生实事的范围内。").format(unit=unit, code=code)
            )
            return None
        return unit

    def _helpers(self, row: int, value: Any) -> list[Unit]:
        found = [self._unit(row, "配合单位代码", code) for code in cell_list(value)]
        return [u for u in found if u is not None]

    def _budget(self, row: int, value: Any) -> Decimal | None:
        text = cell_text(value)
        if not text:
            return None
        try:
            budget = Decimal(text.replace(",", ""))
        except InvalidOperation:
            budget = None
        if budget is None or not budget.is_finite() or not Decimal(0) <= budget <= services.MAX_BUDGET:
            self.fail(row, "投资（万元）", _("「{value}」不是有效的金额（万元）。").format(value=text))
            return None
        if budget != budget.quantize(Decimal("0.01")):
            self.fail(row, "投资（万元）", _("金额最多两位小数。"))
            return None
        return budget

    def _date(self, row: int, column: str, value: Any) -> dt.date | None:
        return self.date(row, column, value, _("「{value}」不是有效日期，请写成 2026-12-31 这样的格式。"), within=DATES)


def check_rows(user: User, campaign: Campaign, rows: list[RawRow]) -> tuple[list[ProjectRow], list[RowError]]:
    checker = _Checker(user, campaign, rows)
    checked = [found for found in (checker.check(raw.row, raw.values) for raw in rows) if found is not None]
    return checked, checker.errors


# --- creating ------------------------------------------------------------------------------------------


def _create(user: User, campaign: Campaign, rows: Iterable[ProjectRow]) -> list[int]:
    ids = []
    for row in rows:
        with refused_row(row.row, ImportRejected):
            project = services.create_project(
                user,
                campaign=campaign,
                title=row.title,
                description=row.description,
                category=row.category,
                lead_unit=row.lead_unit,
                assisting_units=row.assisting_units,
                leader_name=row.leader_name,
                budget=row.budget,
                deadline=row.deadline,
            )
        ids.append(project.pk)
    return ids


def require_importer(user: User, campaign: Campaign) -> None:
    if not scope.has_perm_anywhere(user, Perm.MANAGE_PROJECTS):
        raise NotAllowed(_("您无权导入民生实事项目。"))
    if not queries.campaign_choices(user, Perm.MANAGE_PROJECTS).filter(pk=campaign.pk).exists():
        raise NotAllowed(_("您不参与该活动，不能向其导入项目。"))


def import_projects(user: User, campaign: Campaign, source: IO[bytes], filename: str, sha256: str = "") -> list[int]:
    """导入项目清单: check every row, then create all of them in one transaction, or none. Returns the new ids."""
    require_importer(user, campaign)
    raw, errors = read_rows(source)
    if errors:
        raise ImportRejected(errors)
    rows, errors = check_rows(user, campaign, raw)
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        ids = _create(user, campaign, rows)
        record(
            Action.IMPORT,
            actor=user,
            obj=campaign,
            detail=f"导入民生实事项目清单「{masked_name(filename)}」，立项 {len(ids)} 个"[:200],
            after={"file": masked_name(filename), "sha256": sha256, "created": len(ids)},
        )
    return ids


def check_file(upload: UploadedFile) -> CheckedUpload:
    """The file must be a real .xlsx within the size limit."""
    return check_xlsx(upload, int(getattr(settings, "LUOSHI_LIVELIHOOD_IMPORT_MAX_BYTES", 5 * 1024 * 1024)))


# --- the template ----------------------------------------------------------------------------------------


def _example(user: User, campaign: Campaign) -> dict[str, Any]:
    tops = [top for top in scope.scope_paths(user, Perm.MANAGE_PROJECTS) if paths.is_within(top, campaign.unit.path)]
    unit = Unit.objects.filter(path=tops[0]).first() if tops else campaign.unit
    return {
        "项目名称": EXAMPLE_MARK + _("新建改建城市公园 5 个"),
        "项目内容": _("本行为填写示例，导入时自动跳过；可删除或覆盖。"),
        "类别": "环境整治",
        "牵头单位代码": unit.code if unit else "",
        "责任领导": _("张三（副区长）"),
        "投资（万元）": 1200,
        "计划完成时间": max(campaign.ends_on, timezone.localdate()),
    }


def build_template(user: User, campaign: Campaign, target: IO[bytes]) -> None:
    """The import template of a campaign's project list: header, one example row, and a sheet of help."""
    kinds = {"计划完成时间": Cells.DATE, "投资（万元）": Cells.DECIMAL}
    notes = (
        _("本模板适用于活动「{campaign}」。").format(campaign=campaign),
        _("第 1 行为表头，请勿修改；红色表头为必填列，灰色为选填列。"),
        _("项目名称以“{mark}”开头的行视为示例，导入时跳过。").format(mark=EXAMPLE_MARK),
        _("任何一行有错误时，整个文件都不会导入；请按错误清单逐条修改后重新上传。"),
        _("时间节点和子项请在立项后在项目详情页添加。单个文件最多 {limit} 行。").format(limit=max_rows()),
    )
    write_template(target, SHEET, COLUMNS, _example(user, campaign), notes, kinds)
