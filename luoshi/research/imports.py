"""Importing a campaign's research topics (调研课题) from Excel, all or nothing.

Every row is checked first and all errors are reported together (row, column, what is wrong); if there is any,
nothing is written. Otherwise the directions not yet in the campaign and every topic are created through
``services.create_direction`` / ``services.create_topic`` in one transaction (scope and the audit log apply).
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
from luoshi.research import queries, services
from luoshi.research.models import ResearchDirection, ResearchTopic

SHEET = "调研课题"
DIRECTION = "调研方向"
TITLE = "课题名称"
COUNTER = "反面案例"
DESCRIPTION = "说明"
YES = {"是", "y", "yes", "true", "1", "√", "反面案例"}
NO = {"", "否", "n", "no", "false", "0"}

COLUMNS: tuple[Column, ...] = (
    Column(DIRECTION, True, gettext_lazy("课题所属的调研方向；活动中还没有的方向将一并新建。"), 24),
    Column(TITLE, True, gettext_lazy("课题名称，不超过 200 字；同一活动中不能重名。"), 40),
    Column(COUNTER, False, gettext_lazy("是否为反面案例课题：填“是”或“否”，留空按“否”处理。"), 10),
    Column(DESCRIPTION, False, gettext_lazy("课题的说明。"), 40),
)


class ImportRejected(RowsRejected):
    """The file has errors; nothing was imported."""

    summary = gettext_lazy("课题清单中有 {count} 处错误，未导入任何课题。请修改后重新上传。")


@dataclass
class TopicRow:
    row: int
    direction: str
    title: str
    is_counter_example: bool
    description: str


def max_rows() -> int:
    return int(getattr(settings, "LUOSHI_RESEARCH_IMPORT_MAX_ROWS", 2000))


TOPIC_LIST = SheetFormat(
    SHEET,
    COLUMNS,
    example_column=TITLE,
    too_many=gettext_lazy("单个文件最多导入 {limit} 行，请拆分后分批导入。"),
    empty=gettext_lazy("文件中没有课题数据。"),
    what="research topics",
)


class _Checker(RowChecker):
    def __init__(self, campaign: Campaign, rows: list[RawRow]):
        super().__init__()
        titles = {cell_text(raw.values.get(TITLE)) for raw in rows}
        self.existing = set(
            ResearchTopic.objects.filter(campaign=campaign, title__in=titles).values_list("title", flat=True)
        )
        self.seen: dict[str, int] = {}

    def check(self, row: int, values: dict[str, Any]) -> TopicRow | None:
        before, self.values = len(self.errors), values
        direction = cell_text(values.get(DIRECTION))
        if not direction:
            self.fail(row, DIRECTION, _("调研方向不能为空。"))
        elif len(direction) > 100:
            self.fail(row, DIRECTION, _("调研方向不能超过 100 字。"))
        title = cell_text(values.get(TITLE))
        if not title:
            self.fail(row, TITLE, _("课题名称不能为空。"))
        elif len(title) > 200:
            self.fail(row, TITLE, _("课题名称有 {n} 字，不能超过 200 字。").format(n=len(title)))
        elif title in self.existing:
            self.fail(row, TITLE, _("本活动已有同名课题，请勿重复导入。"))
        elif title in self.seen:
            self.fail(row, TITLE, _("与第 {row} 行的课题重名。").format(row=self.seen[title]))
        else:
            self.seen[title] = row
        flag = cell_text(values.get(COUNTER)).lower()
        if flag not in YES | NO:
            self.fail(row, COUNTER, _("请填写“是”或“否”。"))
        if len(self.errors) > before:
            return None
        return TopicRow(row, direction, title, flag in YES, cell_text(values.get(DESCRIPTION)))


def check_rows(campaign: Campaign, rows: list[RawRow]) -> tuple[list[TopicRow], list[RowError]]:
    checker = _Checker(campaign, rows)
    checked = [found for found in (checker.check(raw.row, raw.values) for raw in rows) if found is not None]
    return checked, checker.errors


def require_importer(user: User, campaign: Campaign) -> None:
    if not queries.manages(user, campaign):
        raise NotAllowed(_("您无权导入该活动的调研课题。"))


def import_topics(user: User, campaign: Campaign, source: IO[bytes], filename: str, sha256: str = "") -> list[int]:
    """导入课题清单: check every row, then create the new directions and all topics in one transaction, or none.
    Returns the new topics' ids."""
    require_importer(user, campaign)
    found = read_sheet(source, TOPIC_LIST, max_rows())
    if found.errors:
        raise ImportRejected(found.errors)
    rows, errors = check_rows(campaign, found.rows)
    if errors:
        raise ImportRejected(errors)
    directions = {d.name: d for d in ResearchDirection.objects.filter(campaign=campaign)}
    ids = []
    with transaction.atomic():
        for row in rows:
            with refused_row(row.row, ImportRejected, DIRECTION):
                if row.direction not in directions:
                    directions[row.direction] = services.create_direction(user, campaign=campaign, name=row.direction)
            with refused_row(row.row, ImportRejected, TITLE):
                topic = services.create_topic(
                    user,
                    campaign=campaign,
                    title=row.title,
                    direction=directions[row.direction],
                    description=row.description,
                    is_counter_example=row.is_counter_example,
                )
            ids.append(topic.pk)
        record(
            Action.IMPORT,
            actor=user,
            obj=campaign,
            detail=f"导入调研课题清单「{masked_name(filename)}」，课题 {len(ids)} 个"[:200],
            after={"file": masked_name(filename), "sha256": sha256, "created": len(ids)},
        )
    return ids


def check_file(upload: UploadedFile) -> CheckedUpload:
    """The file must be a real .xlsx within the size limit."""
    return check_xlsx(upload, int(getattr(settings, "LUOSHI_RESEARCH_IMPORT_MAX_BYTES", 5 * 1024 * 1024)))


def build_template(campaign: Campaign, target: IO[bytes]) -> None:
    """The import template of a campaign's topics: header, one example row, and a sheet of help."""
    example = {
        DIRECTION: _("基层减负"),
        TITLE: EXAMPLE_MARK + _("村（社区）迎检事项过多的成因与对策"),
        COUNTER: "否",
        DESCRIPTION: _("本行为填写示例，导入时自动跳过；可删除或覆盖。"),
    }
    notes = (
        _("本模板适用于活动「{campaign}」。").format(campaign=campaign),
        _("第 1 行为表头，请勿修改；红色表头为必填列，灰色为选填列。"),
        _("课题名称以“{mark}”开头的行视为示例，导入时跳过。").format(mark=EXAMPLE_MARK),
        _("任何一行有错误时，整个文件都不会导入；请按错误清单逐条修改后重新上传。"),
    )
    write_template(target, SHEET, COLUMNS, example, notes, dropdowns={COUNTER: ["是", "否"]})
