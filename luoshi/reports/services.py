"""The only code that writes reports, their figures and the claims-check rules.

Uploading checks every file before anything is stored and queues one background job per report;
the job reads the file with the extractor (``luoshi.extract``) and stores the text and figures.
A clerk's correction of a figure keeps the extractor's values beside it and is audited.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.labels import masked_name
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change, snapshot
from luoshi.campaigns.models import Campaign
from luoshi.core import paths
from luoshi.core.errors import Conflict, RuleViolation
from luoshi.core.patterns import compile_user_pattern
from luoshi.core.uploads import CheckedUpload, check_upload
from luoshi.extract import api as extractor
from luoshi.extract.types import Extraction, Mention, UnreadableDocument
from luoshi.jobs.runner import create_job
from luoshi.jobs.tasks import start_job
from luoshi.orgs.models import Unit
from luoshi.reports.choices import Approx, Change, ReportKind, ReportStatus
from luoshi.reports.measures import MEASURES as MEASURES
from luoshi.reports.measures import measure_value as measure_value
from luoshi.reports.models import ClaimRule, Figure, Report

logger = logging.getLogger(__name__)

JOB_KIND = "reports.process"
JOB_BODY = "luoshi.reports.jobs.process_report_job"
MAX_FILES = 50
TEXT_TYPES = {"txt": "text/plain", "html": "text/html", "htm": "text/html"}
BINARY_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
REPORT_TYPES = {**TEXT_TYPES, **BINARY_TYPES}
CHANGE_UNITS = ("%", "个百分点", "倍")
RULE_FIELDS = ("pattern", "units", "measure", "order", "note")
REPORT_UNAUDITED = ("file", "text")


# --- checking uploads -----------------------------------------------------------------------------


def check_report_upload(upload: UploadedFile) -> CheckedUpload:
    """Raise ``RuleViolation`` naming the file unless it is a real .txt/.html/.htm/.docx/.pdf of at most 10 MB."""
    return check_upload(upload, allowed=REPORT_TYPES, max_bytes=extractor.MAX_BYTES)


# --- uploading and processing ---------------------------------------------------------------------


def _check_unit(campaign: Campaign, unit: Unit) -> None:
    if not paths.is_within(unit.path, campaign.unit.path):
        raise RuleViolation(_("单位「{unit}」不在活动「{campaign}」的范围内。").format(unit=unit, campaign=campaign))


def _title_of(name: str) -> str:
    return (name.rsplit(".", 1)[0] or name)[:200]


def _store(
    actor: Any, campaign: Campaign, unit: Unit, upload: UploadedFile, checked: CheckedUpload, **kw: Any
) -> Report:
    report = Report(
        campaign=campaign,
        unit=unit,
        org_path=unit.path,
        title=kw["title"] or _title_of(checked.name),
        kind=kw["kind"],
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    report.file.save(f"{uuid.uuid4().hex}.{checked.extension}", upload, save=False)
    report.save()
    after = {**snapshot(report, exclude=REPORT_UNAUDITED), "file": report.file.name}
    after["original_name"], after["title"] = masked_name(report.original_name), masked_name(report.title)
    record(Action.CREATE, actor=actor, obj=report, after=after, detail=f"上传工作报告「{after['title']}」"[:200])
    _queue(actor, report)
    return report


def _queue(actor: Any, report: Report) -> None:
    job = create_job(f"处理工作报告：{report.original_name}"[:100], JOB_KIND, owner=actor, params={"report": report.pk})
    Report.objects.filter(pk=report.pk).update(job=job, status=ReportStatus.PENDING)
    report.job, report.status = job, ReportStatus.PENDING
    start_job(job, JOB_BODY, atomic=False)


def upload_reports(
    actor: Any,
    campaign: Campaign,
    unit: Unit,
    files: Sequence[UploadedFile],
    kind: str = ReportKind.SUMMARY,
    title: str = "",
) -> list[Report]:
    """上传工作报告: each file becomes a Report processed by a background job; one bad file stores none."""
    scope.require(actor, Perm.UPLOAD_REPORT, unit.path, _("您无权为单位「{unit}」上传工作报告。").format(unit=unit))
    _check_unit(campaign, unit)
    if not files:
        raise RuleViolation(_("请选择至少一个报告文件。"))
    if len(files) > MAX_FILES:
        raise RuleViolation(_("一次最多上传 {limit} 个文件。").format(limit=MAX_FILES))
    if kind not in ReportKind.values:
        raise RuleViolation(_("报告类型「{kind}」无效。").format(kind=kind))
    checked = [check_report_upload(upload) for upload in files]
    single_title = title.strip()[:200] if len(files) == 1 else ""
    with transaction.atomic():
        return [
            _store(actor, campaign, unit, upload, check, title=single_title, kind=kind)
            for upload, check in zip(files, checked, strict=True)
        ]


def reprocess_report(actor: Any, report: Report) -> Report:
    """重新处理: read the file again (e.g. after the extractor improved); refused once a figure was corrected."""
    scope.require(actor, Perm.UPLOAD_REPORT, report, _("您无权重新处理该报告。"))
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status in (ReportStatus.PENDING, ReportStatus.PROCESSING):
            raise RuleViolation(_("报告「{title}」正在处理中，请稍候。").format(title=locked.title))
        corrected = locked.figures.filter(corrected_at__isnull=False).count()
        if corrected:
            raise RuleViolation(
                _("报告「{title}」已有 {count} 个数字经人工校正，重新处理会丢失校正，未重新处理。").format(
                    title=locked.title, count=corrected
                )
            )
        record(Action.UPDATE, actor=actor, obj=locked, detail=f"重新处理工作报告「{masked_name(locked.title)}」"[:200])
        _queue(actor, locked)
    return locked


def _fail(report: Report, reason: str) -> Report:
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED, failure=reason, processed_at=timezone.now(), text=""
    )
    report.refresh_from_db()
    return report


def process_report(report: Report) -> Report:
    """Read the report's file with the extractor and store its text and figures, or the reason it failed."""
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.PROCESSING, failure="")
    try:
        with report.file.open("rb") as source:
            data = source.read()
    except (OSError, ValueError):
        return _fail(report, _("报告文件已丢失，请重新上传。"))
    try:
        extraction = extractor.process(data, report.original_name)
    except UnreadableDocument as exc:
        return _fail(report, str(exc) or _("无法读取该文件。"))
    except Exception as exc:
        logger.exception("extracting report %s failed", report.pk)
        return _fail(report, _("提取时出错：{error}").format(error=exc))
    return store_extraction(report, extraction)


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _figure(report: Report, mention: Mention) -> Figure:
    value = float(mention.value)
    value_max = None if mention.value_max is None else float(mention.value_max)
    approx = mention.approx if mention.approx in Approx.values else Approx.EXACT
    change = mention.change if mention.change in Change.values else ""
    return Figure(
        report=report,
        org_path=report.org_path,
        start=mention.start,
        end=mention.end,
        text=mention.text[:100],
        value=value,
        value_max=value_max,
        unit=mention.unit[:10],
        approx=approx,
        change=change,
        subject=mention.subject[:100],
        sentence=mention.sentence[:2000],
        original_value=value,
        original_value_max=value_max,
        original_unit=mention.unit[:10],
        original_approx=approx,
        original_change=change,
        original_subject=mention.subject[:100],
    )


def store_extraction(report: Report, extraction: Extraction) -> Report:
    """Replace the report's text and figures with what the extractor found, as one transaction."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        locked.figures.all().delete()
        Figure.objects.bulk_create([_figure(locked, m) for m in extraction.mentions], batch_size=500)
        locked.text, locked.place = extraction.text, (extraction.place or "")[:60]
        locked.report_date = _parse_date(extraction.date)
        locked.status, locked.failure, locked.processed_at = ReportStatus.DONE, "", timezone.now()
        locked.save(update_fields=["text", "place", "report_date", "status", "failure", "processed_at", "updated_at"])
        record(
            Action.UPDATE,
            actor_name="系统任务",
            obj=locked,
            detail=f"提取报告数字 {len(extraction.mentions)} 个",
            after={"status": locked.status, "figures": len(extraction.mentions), "place": locked.place},
        )
    return locked


# --- correcting a figure --------------------------------------------------------------------------


def _finite(value: Any, label: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise RuleViolation(_("{field}「{value}」不是数字。").format(field=label, value=value)) from exc
    if not math.isfinite(number) or number < 0:
        raise RuleViolation(_("{field}「{value}」必须是非负数。").format(field=label, value=value))
    return number


def _checked_changes(figure: Figure, changes: dict[str, Any]) -> dict[str, Any]:
    value = _finite(changes.get("value", figure.value), _("数值"))
    if value is None:
        raise RuleViolation(_("数值不能为空。"))
    value_max = _finite(changes.get("value_max", figure.value_max), _("上限"))
    if value_max is not None and value_max <= value:
        raise RuleViolation(_("上限 {high} 必须大于数值 {low}。").format(high=value_max, low=value))
    unit = str(changes.get("unit", figure.unit)).strip()
    approx = changes.get("approx", figure.approx) or Approx.EXACT
    change = changes.get("change", figure.change) or ""
    if len(unit) > 10:
        raise RuleViolation(_("计量单位「{unit}」过长（最多 10 个字）。").format(unit=unit))
    if approx not in Approx.values:
        raise RuleViolation(_("约数「{approx}」无效。").format(approx=approx))
    if change not in Change.values and change != "":
        raise RuleViolation(_("变化「{change}」无效。").format(change=change))
    if change and unit not in CHANGE_UNITS:
        raise RuleViolation(
            _("变化只用于计量单位 {units}，该数字的单位是「{unit}」。").format(units="、".join(CHANGE_UNITS), unit=unit)
        )
    subject = str(changes.get("subject", figure.subject)).strip()[:100]
    excluded = bool(changes.get("excluded", figure.excluded))
    fields = {"value": value, "value_max": value_max, "unit": unit, "approx": approx, "change": change}
    return {**fields, "subject": subject, "excluded": excluded}


def correct_figure(actor: Any, figure: Figure, version: int | None, **changes: Any) -> Figure:
    """校正报告数字: change value, value_max, unit, approx, change or subject, or mark it 不是数字; audited."""
    scope.require(actor, Perm.CORRECT_FIGURE, figure, _("您无权校正该报告的数字。"))
    with transaction.atomic():
        locked = Figure.objects.select_for_update().get(pk=figure.pk)
        if version is not None and locked.version != version:
            raise Conflict(_("数字「{text}」已被他人校正，请刷新页面后重试。").format(text=locked.text))
        wanted = _checked_changes(locked, changes)
        if all(getattr(locked, name) == value for name, value in wanted.items()):
            return locked
        before = snapshot(locked)
        for name, value in wanted.items():
            setattr(locked, name, value)
        locked.corrected_by, locked.corrected_at = actor, timezone.now()
        locked.version += 1
        locked.save()
        record_change(actor, locked, before, detail=f"校正报告数字「{locked.text}」"[:200])
    return locked


# --- the platform's own measures and the claims-check rules ---------------------------------------


def _require_rules(actor: Any, campaign: Campaign) -> None:
    scope.require(actor, Perm.MANAGE_CAMPAIGN, campaign.unit.path, _("核对规则须由活动牵头单位的活动办公室设置。"))


def _clean_rule(fields: dict[str, Any]) -> dict[str, Any]:
    pattern = str(fields.get("pattern", "")).strip()
    if not pattern:
        raise RuleViolation(_("匹配短语不能为空。"))
    compile_user_pattern(pattern)
    measure = fields.get("measure", "")
    if measure not in MEASURES:
        raise RuleViolation(_("核对指标「{measure}」无效。").format(measure=measure))
    return {
        "pattern": pattern[:200],
        "units": str(fields.get("units", "")).strip()[:60],
        "measure": measure,
        "order": int(fields.get("order") or 0),
        "note": str(fields.get("note", "")).strip()[:200],
    }


def create_rule(actor: Any, campaign: Campaign, **fields: Any) -> ClaimRule:
    """新增核对规则 for a campaign; its rules are tried before the platform defaults."""
    _require_rules(actor, campaign)
    with transaction.atomic():
        rule = ClaimRule.objects.create(campaign=campaign, created_by=actor, **_clean_rule(fields))
        record_change(actor, rule, None, detail=f"新增核对规则「{rule.pattern}」"[:200])
    return rule


def _own_rule(actor: Any, rule: ClaimRule) -> Campaign:
    if rule.campaign is None:
        raise RuleViolation(_("平台默认规则不能修改；可在本活动中新增规则，本活动的规则优先。"))
    _require_rules(actor, rule.campaign)
    return rule.campaign


def update_rule(actor: Any, rule: ClaimRule, **fields: Any) -> ClaimRule:
    """修改核对规则 of a campaign (never a platform default); audited."""
    _own_rule(actor, rule)
    with transaction.atomic():
        locked = ClaimRule.objects.select_for_update().get(pk=rule.pk)
        before = snapshot(locked)
        for name, value in _clean_rule({**{f: getattr(locked, f) for f in RULE_FIELDS}, **fields}).items():
            setattr(locked, name, value)
        locked.save()
        record_change(actor, locked, before, detail=f"修改核对规则「{locked.pattern}」"[:200])
    return locked


def delete_rule(actor: Any, rule: ClaimRule) -> None:
    """删除核对规则 of a campaign; audited."""
    _own_rule(actor, rule)
    with transaction.atomic():
        record(
            Action.DELETE, actor=actor, obj=rule, before=snapshot(rule), detail=f"删除核对规则「{rule.pattern}」"[:200]
        )
        rule.delete()
