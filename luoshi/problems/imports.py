"""Importing a rectification ledger (整改台账) from Excel.

Every row is checked first and all errors are reported together (row, column, problem); if
there is any, nothing is written. Otherwise every row is filed through
``services.file_problem`` in one transaction, so scope, the timeline and the audit log apply
exactly as for a problem filed by hand. Large files run as a background job.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.labels import masked_name
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.campaigns.queries import visible_campaigns
from luoshi.core import paths
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.excel import Cells
from luoshi.core.imports import (
    EXAMPLE_MARK,
    Column,
    ImportRejected,
    RawRow,
    RowChecker,
    RowError,
    SheetFormat,
    capped,
    cell_text,
    check_xlsx,
    read_sheet,
    refused_row,
    write_template,
)
from luoshi.core.uploads import CheckedUpload
from luoshi.jobs.models import Job
from luoshi.jobs.runner import JobContext, JobFailed, create_job
from luoshi.jobs.tasks import start_job
from luoshi.orgs.models import Unit
from luoshi.problems import rollups, services
from luoshi.problems.choices import Kind, Severity
from luoshi.problems.models import Problem, ProblemClass

LEDGER_SHEET = "整改台账"
JOB_KIND = "problems.ledger_import"
MAX_REPORTED_ERRORS = 500
LOOKUP_CHUNK = 500

Progress = Callable[[int, str], None]

COLUMNS: tuple[Column, ...] = (
    Column("问题标题", True, gettext_lazy("问题的简要概括，不超过 200 字。"), 40),
    Column("具体表现", False, gettext_lazy("问题的具体表现、涉及事项和情况说明。"), 50),
    Column("问题来源", True, gettext_lazy("本活动设置的问题来源之一，请从下拉列表中选择。"), 14),
    Column("问题方面", True, gettext_lazy("本活动设置的问题方面之一，请从下拉列表中选择。"), 14),
    Column("责任单位代码", True, gettext_lazy("责任单位在组织架构中的代码，须是您有权登记问题的单位。"), 14),
    Column(
        "责任领导账号",
        False,
        gettext_lazy("责任领导的登录账号，须对责任单位有认领权限；留空则由该单位任一责任领导认领。"),
        14,
    ),
    Column("严重程度", False, gettext_lazy("一般、较重、严重之一，留空按“一般”处理。"), 10),
    Column("整改类型", False, gettext_lazy("立行立改、限期整改、长期坚持之一，留空按“限期整改”处理。"), 12),
    Column(
        "发现日期", True, gettext_lazy("日期，可以是 Excel 日期，也可以写成 2026-03-01、2026/3/1 或 2026年3月1日。"), 12
    ),
    Column("整改时限", True, gettext_lazy("日期，写法同上，不得早于发现日期。"), 12),
    Column("所属类别", False, gettext_lazy("问题类别（一类事）的名称；本活动中还没有该类别时自动新建。"), 16),
)
HEADERS = tuple(c.header for c in COLUMNS)
IGNORED_MEASURES_HEADER = "整改措施"
# Ledgers are filled in Chinese whatever the page language: the labels they may use are fixed.
SEVERITY_BY_LABEL: dict[str, str] = {"一般": Severity.NORMAL, "较重": Severity.SERIOUS, "严重": Severity.GRAVE}
KIND_BY_LABEL: dict[str, str] = {"立行立改": Kind.IMMEDIATE, "限期整改": Kind.DEADLINE, "长期坚持": Kind.LONG_TERM}


class LedgerRejected(ImportRejected):
    """The ledger has errors; nothing was imported."""

    code = "ledger_rejected"
    summary = gettext_lazy("台账中有 {count} 处错误，未导入任何问题。请修改后重新上传。")


@dataclass
class LedgerRow:
    """A checked row, ready to be filed."""

    row: int
    title: str
    description: str
    channel: Channel
    aspect: Aspect
    unit: Unit
    leader: Any
    severity: str
    kind: str
    found_on: dt.date
    deadline: dt.date
    class_name: str


@dataclass
class ImportReport:
    created: int
    problem_ids: list[int]
    classes_created: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [_("已导入 {count} 条问题。").format(count=self.created)]
        if self.classes_created:
            parts.append(_("新建问题类别：{names}。").format(names=_("、").join(self.classes_created)))
        return "".join(parts + self.notes)

    def as_result(self) -> dict[str, Any]:
        """A compact summary for ``Job.result``."""
        return {
            "created": self.created,
            "first_id": self.problem_ids[0] if self.problem_ids else None,
            "last_id": self.problem_ids[-1] if self.problem_ids else None,
            "classes_created": self.classes_created,
            "notes": self.notes,
        }


# --- reading the workbook -------------------------------------------------------------------


def max_rows() -> int:
    """Rows per file; all are filed in one transaction that holds the audit chain, so keep it to seconds."""
    return int(getattr(settings, "LUOSHI_LEDGER_MAX_ROWS", 2000))


LEDGER = SheetFormat(
    LEDGER_SHEET,
    COLUMNS,
    example_column="问题标题",
    too_many=gettext_lazy("单个台账最多导入 {limit} 行，请拆分后分批导入。"),
    empty=gettext_lazy("台账中没有问题数据。"),
    all_columns=True,
    what="ledger",
)


def read_ledger(source: IO[bytes]) -> tuple[list[RawRow], list[str], list[RowError]]:
    """Rows of the ledger sheet as {header: value}, blank rows skipped; plus notes and file-level errors."""
    found = read_sheet(source, LEDGER, max_rows())
    notes: list[str] = []
    if found.examples:
        notes.append(
            _("已跳过 {count} 行示例（问题标题以“{mark}”开头）。").format(count=found.examples, mark=EXAMPLE_MARK)
        )
    measures_given = sum(bool(cell_text(raw.values.get(IGNORED_MEASURES_HEADER))) for raw in found.rows)
    if measures_given:
        notes.append(
            _("“{column}”列的内容未导入（{count} 行）：整改措施请在问题认领后制定。").format(
                column=IGNORED_MEASURES_HEADER, count=measures_given
            )
        )
    return found.rows, notes, found.errors


# --- checking rows ---------------------------------------------------------------------------


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), LOOKUP_CHUNK):
        yield items[start : start + LOOKUP_CHUNK]


class _RowChecker(RowChecker):
    """Looks everything up once, then checks each row and collects every error."""

    def __init__(self, user: Any, campaign: Campaign, rows: list[RawRow]):
        super().__init__()
        self.user, self.campaign = user, campaign
        self.channels = {c.name: c for c in Channel.objects.filter(campaign=campaign)}
        self.aspects = {a.name: a for a in Aspect.objects.filter(campaign=campaign)}
        self.units = self._lookup(Unit.objects.all(), "code", rows, "责任单位代码")
        users = get_user_model().objects.filter(is_active=True)
        self.leaders = self._lookup(users, "username", rows, "责任领导账号")
        self.existing = self._existing_titles(rows)
        self.seen: dict[tuple[int, str], int] = {}

    @staticmethod
    def _lookup(queryset: Any, key: str, rows: list[RawRow], header: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for chunk in _chunks(cell_text(r.values.get(header)) for r in rows):
            found.update({getattr(obj, key): obj for obj in queryset.filter(**{f"{key}__in": chunk})})
        return found

    def _existing_titles(self, rows: list[RawRow]) -> dict[tuple[int, str], str]:
        existing: dict[tuple[int, str], str] = {}
        for chunk in _chunks(cell_text(r.values.get("问题标题")) for r in rows):
            found = Problem.objects.filter(campaign=self.campaign, title__in=chunk)
            for pk, unit_id, title in found.values_list("pk", "unit_id", "title"):
                existing[(unit_id, title)] = f"WT{pk:06d}"
        return existing

    def check(self, raw: RawRow) -> LedgerRow | None:
        before = len(self.errors)
        v = self.values = {header: raw.values.get(header) for header in HEADERS}
        title = self._title(raw.row, cell_text(v["问题标题"]))
        channel = self._named(raw.row, "问题来源", cell_text(v["问题来源"]), self.channels)
        aspect = self._named(raw.row, "问题方面", cell_text(v["问题方面"]), self.aspects)
        unit = self._unit(raw.row, cell_text(v["责任单位代码"]))
        leader = self._leader(raw.row, cell_text(v["责任领导账号"]), unit)
        severity = self._choice(raw.row, "严重程度", cell_text(v["严重程度"]), SEVERITY_BY_LABEL, Severity.NORMAL)
        kind = self._choice(raw.row, "整改类型", cell_text(v["整改类型"]), KIND_BY_LABEL, Kind.DEADLINE)
        found_on = self._date(raw.row, "发现日期", v["发现日期"])
        deadline = self._date(raw.row, "整改时限", v["整改时限"])
        if found_on and deadline and deadline < found_on:
            self.fail(
                raw.row,
                "整改时限",
                _("整改时限 {deadline} 早于发现日期 {found_on}。").format(
                    deadline=f"{deadline:%Y-%m-%d}", found_on=f"{found_on:%Y-%m-%d}"
                ),
            )
        class_name = cell_text(v["所属类别"])
        if len(class_name) > 100:
            self.fail(raw.row, "所属类别", _("类别名称不能超过 100 字。"))
        if unit and title:
            self._duplicate(raw.row, unit, title)
        if len(self.errors) > before or not (channel and aspect and unit and found_on and deadline):
            return None
        return LedgerRow(
            row=raw.row,
            title=title,
            description=cell_text(v["具体表现"]),
            channel=channel,
            aspect=aspect,
            unit=unit,
            leader=leader,
            severity=severity,
            kind=kind,
            found_on=found_on,
            deadline=deadline,
            class_name=class_name,
        )

    def _title(self, row: int, title: str) -> str:
        if not title:
            self.fail(row, "问题标题", _("问题标题不能为空。"))
        elif len(title) > 200:
            self.fail(row, "问题标题", _("问题标题有 {length} 字，不能超过 200 字。").format(length=len(title)))
        return title

    def _named(self, row: int, column: str, name: str, options: dict[str, Any]) -> Any:
        if not name:
            self.fail(row, column, _("{column}不能为空。").format(column=column))
            return None
        if name not in options:
            self.fail(
                row,
                column,
                _("「{name}」不是本活动的{column}，可选：{options}。").format(
                    name=name, column=column, options=_("、").join(options) or _("（尚未设置）")
                ),
            )
        return options.get(name)

    def _unit(self, row: int, code: str) -> Unit | None:
        column = "责任单位代码"
        unit = self.units.get(code)
        if not code:
            self.fail(row, column, _("责任单位代码不能为空。"))
        elif unit is None:
            self.fail(row, column, _("找不到代码为「{code}」的单位。").format(code=code))
        elif not paths.is_within(unit.path, self.campaign.unit.path):
            self.fail(
                row,
                column,
                _("单位「{unit}」不在活动「{campaign}」的范围内。").format(unit=unit, campaign=self.campaign),
            )
        elif not (scope.can(self.user, Perm.FILE_PROBLEM, unit.path) and scope.can(self.user, Perm.IMPORT, unit.path)):
            self.fail(row, column, _("单位「{unit}」（{code}）不在您可登记问题的范围内。").format(unit=unit, code=code))
        else:
            return unit
        return None

    def _leader(self, row: int, username: str, unit: Unit | None) -> Any:
        if not username:
            return None
        leader = self.leaders.get(username)
        if leader is None:
            self.fail(row, "责任领导账号", _("找不到账号「{username}」。").format(username=username))
        elif unit is not None and not scope.can(leader, Perm.CLAIM, unit.path):
            self.fail(
                row,
                "责任领导账号",
                _("账号「{username}」（{leader}）对单位「{unit}」没有认领问题的权限。").format(
                    username=username, leader=leader, unit=unit
                ),
            )
        return leader

    def _choice(self, row: int, column: str, label: str, options: dict[str, str], default: str) -> str:
        return self.choice(row, column, label, options, default, _("「{label}」不是有效的{column}，可选：{options}。"))

    def _date(self, row: int, column: str, value: Any) -> dt.date | None:
        return self.date(row, column, value, _("「{value}」不是有效日期，请写成 2026-03-01 这样的格式。"))

    def _duplicate(self, row: int, unit: Unit, title: str) -> None:
        key = (unit.pk, title)
        if key in self.existing:
            self.fail(
                row,
                "问题标题",
                _("单位「{unit}」已有同名问题 {number}，请勿重复导入。").format(unit=unit, number=self.existing[key]),
            )
        elif key in self.seen:
            self.fail(
                row, "问题标题", _("与第 {row} 行重复（同一责任单位、同一问题标题）。").format(row=self.seen[key])
            )
        else:
            self.seen[key] = row


def check_rows(user: Any, campaign: Campaign, rows: list[RawRow]) -> tuple[list[LedgerRow], list[RowError]]:
    checker = _RowChecker(user, campaign, rows)
    checked = [row for row in (checker.check(raw) for raw in rows) if row is not None]
    return checked, checker.errors


# --- filing ----------------------------------------------------------------------------------


def _common_unit(units: Iterable[Unit]) -> Unit:
    """The lowest unit that contains all of ``units``."""
    unit_list = list(units)
    prefix = unit_list[0].path
    for unit in unit_list[1:]:
        while not unit.path.startswith(prefix):
            prefix = prefix[: prefix[:-1].rfind(".") + 1]
    return next((u for u in unit_list if u.path == prefix), None) or Unit.objects.get(path=prefix)


def _problem_classes(user: Any, campaign: Campaign, rows: list[LedgerRow]) -> tuple[dict[str, ProblemClass], list[str]]:
    """The class of each name used in the ledger: an existing visible one, or a new one at the rows' common unit."""
    names = {row.class_name for row in rows if row.class_name}
    visible = ProblemClass.objects.visible_to(user, Perm.VIEW).filter(campaign=campaign, name__in=names)
    classes: dict[str, ProblemClass] = {}
    for problem_class in visible.order_by("org_path", "pk"):
        classes.setdefault(problem_class.name, problem_class)
    created = []
    for name in sorted(names - set(classes)):
        units = [row.unit for row in rows if row.class_name == name]
        unit = _common_unit(units)
        if not scope.can(user, Perm.EDIT_PROBLEM, unit.path):
            unit = units[0]
        classes[name] = services.create_problem_class(user, campaign=campaign, unit=unit, name=name)
        created.append(name)
    return classes, created


def _file(user: Any, campaign: Campaign, row: LedgerRow, problem_class: ProblemClass | None) -> Problem:
    return services.file_problem(
        user,
        campaign=campaign,
        title=row.title,
        description=row.description,
        channel=row.channel,
        aspect=row.aspect,
        unit=row.unit,
        responsible_leader=row.leader,
        severity=row.severity,
        kind=row.kind,
        found_on=row.found_on,
        deadline=row.deadline,
        problem_class=problem_class,
    )


def file_rows(user: Any, campaign: Campaign, rows: list[LedgerRow], progress: Progress) -> ImportReport:
    """File every checked row; the caller's transaction rolls all back if one fails."""
    with refused_row(0, LedgerRejected, column="所属类别"):
        classes, created_classes = _problem_classes(user, campaign, rows)
    ids: list[int] = []
    step = max(1, len(rows) // 20)
    for index, row in enumerate(rows, start=1):
        with refused_row(row.row, LedgerRejected):
            problem = _file(user, campaign, row, classes.get(row.class_name))
        ids.append(problem.pk)
        if index % step == 0:
            progress(10 + 85 * index // len(rows), f"已登记 {index}/{len(rows)} 条")
    return ImportReport(len(ids), ids, created_classes)


def _require_importer(user: Any, campaign: Campaign) -> None:
    if not scope.has_perm_anywhere(user, Perm.IMPORT):
        raise NotAllowed(_("您无权导入整改台账。"))
    if not visible_campaigns(user).filter(pk=campaign.pk).exists():
        raise NotAllowed(_("您不参与该活动，不能向其导入台账。"))


def _no_progress(percent: int, message: str) -> None:
    return None


def import_ledger(
    user: Any,
    campaign: Campaign,
    source: IO[bytes],
    filename: str,
    progress: Progress = _no_progress,
    sha256: str = "",
) -> ImportReport:
    """导入整改台账: check every row, then file all of them in one transaction, or none."""
    _require_importer(user, campaign)
    raw_rows, notes, errors = read_ledger(source)
    if errors:
        raise LedgerRejected(errors)
    progress(5, f"读取到 {len(raw_rows)} 行，正在校验")
    rows, errors = check_rows(user, campaign, raw_rows)
    if errors:
        raise LedgerRejected(capped(errors, MAX_REPORTED_ERRORS), total=len(errors))
    progress(10, "校验通过，正在登记问题")
    with transaction.atomic(), rollups.batched():
        report = file_rows(user, campaign, rows, progress)
        report.notes = notes
        record(
            Action.IMPORT,
            actor=user,
            obj=campaign,
            detail=f"导入整改台账「{masked_name(filename)}」，登记问题 {report.created} 条"[:200],
            after={"file": masked_name(filename), "sha256": sha256, **report.as_result()},
        )
    return report


# --- upload, inline or as a background job --------------------------------------------------


def check_ledger_upload(upload: UploadedFile) -> CheckedUpload:
    """The file must be a real .xlsx within the ledger size limit."""
    return check_xlsx(upload, int(getattr(settings, "LUOSHI_LEDGER_MAX_BYTES", 10 * 1024 * 1024)))


def inline_limit() -> int:
    """Ledgers up to this size (bytes) are imported at once; larger ones as a background job."""
    return int(getattr(settings, "LUOSHI_LEDGER_INLINE_BYTES", 16 * 1024))


@dataclass
class ImportStart:
    """What became of an upload: imported at once (``report``) or queued (``job``)."""

    report: ImportReport | None = None
    job: Job | None = None


def start_import(user: Any, campaign: Campaign, upload: UploadedFile) -> ImportStart:
    """Import a small ledger now; store a large one and queue it as a background job."""
    checked = check_ledger_upload(upload)
    _require_importer(user, campaign)
    if checked.size <= inline_limit():
        return ImportStart(report=import_ledger(user, campaign, upload, checked.name, sha256=checked.sha256))
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}.xlsx", upload)
    job = create_job(
        f"导入整改台账：{checked.name}",
        JOB_KIND,
        owner=user,
        params={"campaign": campaign.pk, "path": stored, "filename": checked.name, "sha256": checked.sha256},
    )
    start_job(job, "luoshi.problems.imports.import_job_body", atomic=False)
    return ImportStart(job=job)


def import_job_body(ctx: JobContext) -> dict[str, Any]:
    """Body of a queued ledger import; row errors fail the job with [{row, column, message}] as its result."""
    job = ctx.job
    params = job.params
    try:
        campaign = Campaign.objects.select_related("unit").get(pk=params["campaign"])
        with default_storage.open(params["path"], "rb") as source:
            report = import_ledger(
                job.owner, campaign, source, params["filename"], ctx.progress, sha256=params.get("sha256", "")
            )
    except LedgerRejected as exc:
        raise JobFailed(str(exc), result=exc.as_result()) from exc
    except (RuleViolation, NotAllowed) as exc:
        raise JobFailed(str(exc), result=[RowError(0, "", str(exc)).as_dict()]) from exc
    finally:
        default_storage.delete(params["path"])
    return {"message": report.summary(), **report.as_result()}


# --- the template users fill in --------------------------------------------------------------

TEMPLATE_ROWS = 2000
DATE_COLUMNS = {"发现日期": Cells.DATE, "整改时限": Cells.DATE}


def _label_of(labels: dict[str, str], value: str) -> str:
    return next(label for label, v in labels.items() if v == value)


def _example_unit(user: Any, campaign: Campaign) -> Unit:
    for top in scope.scope_paths(user, Perm.FILE_PROBLEM):
        if paths.is_within(top, campaign.unit.path):
            return Unit.objects.get(path=top)
    return campaign.unit


def _dropdowns(campaign: Campaign) -> dict[str, list[str]]:
    """Each dropdown's choices, by header."""
    return {
        "问题来源": [c.name for c in Channel.objects.filter(campaign=campaign)],
        "问题方面": [a.name for a in Aspect.objects.filter(campaign=campaign)],
        "严重程度": list(SEVERITY_BY_LABEL),
        "整改类型": list(KIND_BY_LABEL),
    }


def _example(user: Any, campaign: Campaign) -> dict[str, Any]:
    channel = Channel.objects.filter(campaign=campaign).first()
    aspect = Aspect.objects.filter(campaign=campaign).first()
    today = timezone.localdate()
    return {
        "问题标题": EXAMPLE_MARK + _("窗口服务态度生硬，群众办事体验差"),
        "具体表现": _("本行为填写示例，导入时自动跳过；可删除或覆盖。"),
        "问题来源": channel.name if channel else "",
        "问题方面": aspect.name if aspect else "",
        "责任单位代码": _example_unit(user, campaign).code,
        "严重程度": _label_of(SEVERITY_BY_LABEL, Severity.NORMAL),
        "整改类型": _label_of(KIND_BY_LABEL, Kind.DEADLINE),
        "发现日期": today,
        "整改时限": today + dt.timedelta(days=30),
    }


def _notes(campaign: Campaign) -> tuple[str, ...]:
    return (
        _("本模板适用于活动「{campaign}」，问题来源和问题方面的下拉选项取自该活动的设置。").format(campaign=campaign),
        _("第 1 行为表头，请勿修改；红色表头为必填列，灰色为选填列。"),
        _("问题标题以“{mark}”开头的行视为示例，导入时跳过。").format(mark=EXAMPLE_MARK),
        _("台账中任何一行有错误时，整个文件都不会导入；请按错误清单逐条修改后重新上传。"),
        _("同一责任单位下问题标题相同的问题视为重复，不会重复导入。"),
        _("整改措施不在导入时填写，请在问题认领后由责任领导制定。单个文件最多 {limit} 行。").format(limit=max_rows()),
    )


def build_template(user: Any, campaign: Campaign, target: IO[bytes]) -> None:
    """The ledger template (导入模板) of a campaign: header, one example row, dropdowns and a sheet of help."""
    write_template(
        target,
        LEDGER_SHEET,
        COLUMNS,
        _example(user, campaign),
        _notes(campaign),
        DATE_COLUMNS,
        dropdowns=_dropdowns(campaign),
        rows=TEMPLATE_ROWS,
        error_title=_("输入有误"),
    )
