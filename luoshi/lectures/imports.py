"""Importing a campaign's lecture menu (宣讲菜单) from Excel, all or nothing.

Every row is checked first and all errors are reported together (row, column, what is wrong); if there is any,
nothing is written. Otherwise the categories not yet in the campaign and every item are created through
``services.create_category`` / ``services.create_item`` in one transaction (scope and the audit log apply), with
one import record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.models import User
from luoshi.audit.labels import masked_name
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.campaigns.models import Campaign
from luoshi.core import paths
from luoshi.core.errors import NotAllowed
from luoshi.core.imports import (
    EXAMPLE_MARK,
    Column,
    RawRow,
    RowChecker,
    RowError,
    SheetFormat,
    cell_text,
    check_xlsx,
    read_sheet,
    refused_row,
    write_template,
)
from luoshi.core.imports import ImportRejected as RowsRejected
from luoshi.core.uploads import CheckedUpload
from luoshi.lectures import services
from luoshi.lectures.models import LectureCategory, LectureItem
from luoshi.members.models import Member

SHEET = "宣讲菜单"
CATEGORY = "类别"
TITLE = "宣讲题目"
SPEAKER = "宣讲人编号"
MINUTES = "时长（分钟）"
SUMMARY = "内容简介"

COLUMNS: tuple[Column, ...] = (
    Column(CATEGORY, True, gettext_lazy("宣讲类别；活动中还没有的类别将一并新建。"), 16),
    Column(TITLE, True, gettext_lazy("宣讲题目，不超过 200 字；同一活动的菜单中不能重名。"), 40),
    Column(SPEAKER, True, gettext_lazy("宣讲人在党员干部名册中的编号（须在本活动范围内）。"), 16),
    Column(MINUTES, False, gettext_lazy("宣讲时长，10 至 480 分钟的整数；留空按 60 分钟。"), 12),
    Column(SUMMARY, False, gettext_lazy("宣讲内容简介。"), 50),
)


class ImportRejected(RowsRejected):
    """The file has errors; nothing was imported."""

    summary = gettext_lazy("宣讲菜单中有 {count} 处错误，未导入任何菜单项。请修改后重新上传。")


@dataclass
class ItemRow:
    row: int
    category: str
    title: str
    speaker: Member
    minutes: int
    summary: str


def max_rows() -> int:
    return int(getattr(settings, "LUOSHI_LECTURE_IMPORT_MAX_ROWS", 2000))


MENU = SheetFormat(
    SHEET,
    COLUMNS,
    example_column=TITLE,
    too_many=gettext_lazy("单个文件最多导入 {limit} 行，请拆分后分批导入。"),
    empty=gettext_lazy("文件中没有菜单数据。"),
    what="lecture menu",
)


class _Checker(RowChecker):
    def __init__(self, campaign: Campaign, rows: list[RawRow]):
        super().__init__()
        self.campaign = campaign
        titles = {cell_text(raw.values.get(TITLE)) for raw in rows}
        numbers = {cell_text(raw.values.get(SPEAKER)) for raw in rows}
        self.existing = set(
            LectureItem.objects.filter(campaign=campaign, title__in=titles).values_list("title", flat=True)
        )
        members = Member.objects.filter(number__in=numbers, active=True)
        self.speakers = {m.number: m for m in members if paths.is_within(m.org_path, campaign.unit.path)}
        self.seen: dict[str, int] = {}

    def _title(self, row: int, title: str) -> None:
        if not title:
            self.fail(row, TITLE, _("宣讲题目不能为空。"))
        elif len(title) > services.MAX_TITLE:
            self.fail(row, TITLE, _("宣讲题目有 {n} 字，不能超过 200 字。").format(n=len(title)))
        elif title in self.existing:
            self.fail(row, TITLE, _("本活动菜单中已有同名题目，请勿重复导入。"))
        elif title in self.seen:
            self.fail(row, TITLE, _("与第 {row} 行的题目重名。").format(row=self.seen[title]))
        else:
            self.seen[title] = row

    def _minutes(self, row: int, raw: Any) -> int:
        text = cell_text(raw)
        if not text:
            return 60
        try:
            value = float(text)
            whole = int(value)
        except (ValueError, OverflowError):
            value, whole = -1.0, -1
        if value != whole or not 10 <= whole <= services.MAX_MINUTES:
            self.fail(row, MINUTES, _("请填写 10 至 {most} 之间的整数。").format(most=services.MAX_MINUTES), raw)
            return 0
        return whole

    def check(self, row: int, values: dict[str, Any]) -> ItemRow | None:
        before = len(self.errors)
        category = cell_text(values.get(CATEGORY))
        if not category:
            self.fail(row, CATEGORY, _("类别不能为空。"))
        elif len(category) > services.MAX_CATEGORY:
            self.fail(row, CATEGORY, _("类别不能超过 {most} 字。").format(most=services.MAX_CATEGORY))
        title = cell_text(values.get(TITLE))
        self._title(row, title)
        number = cell_text(values.get(SPEAKER))
        speaker = self.speakers.get(number)
        if not number:
            self.fail(row, SPEAKER, _("宣讲人编号不能为空。"))
        elif speaker is None:
            self.fail(row, SPEAKER, _("编号不在本活动范围的党员干部名册中。"), number)
        minutes = self._minutes(row, values.get(MINUTES))
        summary = cell_text(values.get(SUMMARY))
        if len(summary) > services.MAX_SUMMARY:
            self.fail(row, SUMMARY, _("内容简介不能超过 {most} 字。").format(most=services.MAX_SUMMARY))
        if len(self.errors) > before or speaker is None:
            return None
        return ItemRow(row, category, title, speaker, minutes, summary)


def check_rows(campaign: Campaign, rows: list[RawRow]) -> tuple[list[ItemRow], list[RowError]]:
    checker = _Checker(campaign, rows)
    checked = [found for found in (checker.check(raw.row, raw.values) for raw in rows) if found is not None]
    return checked, checker.errors


def import_menu(user: User, campaign: Campaign, source: IO[bytes], filename: str, sha256: str = "") -> list[int]:
    """导入宣讲菜单: check every row, then create the new categories and all items in one transaction, or none.
    Returns the new items' ids."""
    if not services.manages(user, campaign):
        raise NotAllowed(_("您无权导入该活动的宣讲菜单。"))
    found = read_sheet(source, MENU, max_rows())
    if found.errors:
        raise ImportRejected(found.errors)
    rows, errors = check_rows(campaign, found.rows)
    if errors:
        raise ImportRejected(errors)
    categories = {c.name: c for c in LectureCategory.objects.filter(campaign=campaign)}
    ids = []
    with transaction.atomic():
        for row in rows:
            with refused_row(row.row, ImportRejected, CATEGORY):
                if row.category not in categories:
                    categories[row.category] = services.create_category(user, campaign=campaign, name=row.category)
            with refused_row(row.row, ImportRejected, TITLE):
                item = services.create_item(
                    user,
                    campaign=campaign,
                    category=categories[row.category],
                    title=row.title,
                    speaker=row.speaker,
                    minutes=row.minutes,
                    summary=row.summary,
                )
            ids.append(item.pk)
        record(
            Action.IMPORT,
            actor=user,
            obj=campaign,
            detail=f"导入宣讲菜单「{masked_name(filename)}」，菜单项 {len(ids)} 个"[:200],
            after={"file": masked_name(filename), "sha256": sha256, "created": len(ids)},
        )
    return ids


def check_file(upload: UploadedFile) -> CheckedUpload:
    """The file must be a real .xlsx within the size limit."""
    return check_xlsx(upload, int(getattr(settings, "LUOSHI_LECTURE_IMPORT_MAX_BYTES", 5 * 1024 * 1024)))


def build_template(campaign: Campaign, target: IO[bytes]) -> None:
    """The import template of a campaign's menu: header, one example row, and a sheet of help."""
    example = {
        CATEGORY: _("党的创新理论"),
        TITLE: EXAMPLE_MARK + _("深刻领悟“两个确立”的决定性意义"),
        SPEAKER: "M000001",
        MINUTES: 90,
        SUMMARY: _("本行为填写示例，导入时自动跳过；可删除或覆盖。"),
    }
    notes = (
        _("本模板适用于活动「{campaign}」。").format(campaign=campaign),
        _("第 1 行为表头，请勿修改；红色表头为必填列，灰色为选填列。"),
        _("宣讲题目以“{mark}”开头的行视为示例，导入时跳过。").format(mark=EXAMPLE_MARK),
        _("任何一行有错误时，整个文件都不会导入；请按错误清单逐条修改后重新上传。"),
    )
    write_template(target, SHEET, COLUMNS, example, notes)
