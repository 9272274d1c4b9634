"""Monthly analysis reports (月度分析报告): taking a snapshot, writing its document, queueing it as a job,
and handing the document out. The only code of the app that writes.

Generating is for the office that manages the campaign (管理活动 on the campaign's unit); downloading for
anyone who may view the campaign's unit (查看), since the report covers its whole subtree. ``actor`` None is
the operator's command line (``luoshi monthly_report``), which runs as the system.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.analysis.figures import collect
from luoshi.analysis.models import MonthlySnapshot
from luoshi.analysis.render import render, title_of
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import RuleViolation
from luoshi.jobs.models import Job
from luoshi.jobs.runner import create_job
from luoshi.jobs.tasks import start_job

JOB_KIND = "analysis.monthly_report"
JOB_BODY = "luoshi.analysis.jobs.monthly_report_job"
FOLDER = "analysis"


def parse_month(text: str | None) -> dt.date:
    """``2026-10`` → 2026-10-01; ``RuleViolation`` for anything else."""
    try:
        year, month = (int(part) for part in (text or "").strip().split("-"))
        return dt.date(year, month, 1)
    except (ValueError, OverflowError) as exc:
        raise RuleViolation(_("月份格式应为“年-月”，例如 2026-10。")) from exc


def check_month(campaign: Campaign, month: dt.date, today: dt.date | None = None) -> dt.date:
    """The first day of ``month`` when a report may be made for it: not a future month, not before the campaign."""
    first = month.replace(day=1)
    today = today or timezone.localdate()
    if first > today.replace(day=1):
        raise RuleViolation(_("不能为尚未到来的月份生成报告。"))
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    if next_month <= campaign.starts_on:
        raise RuleViolation(_("该月份早于活动开始日期，没有可分析的数据。"))
    return first


def can_generate(user: Any, campaign: Campaign) -> bool:
    return scope.can(user, Perm.MANAGE_CAMPAIGN, campaign.unit.path)


def can_download(user: Any, campaign: Campaign) -> bool:
    return scope.can(user, Perm.VIEW, campaign.unit.path)


def _require_generate(actor: Any, campaign: Campaign) -> None:
    scope.require(
        actor, Perm.MANAGE_CAMPAIGN, campaign.unit.path, _("您无权生成该活动的月度报告，须由牵头单位的活动办公室生成。")
    )


def take_snapshot(actor: Any, campaign: Campaign, month: dt.date) -> MonthlySnapshot:
    """Read every figure of the report once, now, and keep them as the month's snapshot (audited)."""
    if actor is not None:
        _require_generate(actor, campaign)
    first = check_month(campaign, month)
    taken_at = timezone.now().replace(microsecond=0)
    figures = collect(campaign, first, taken_at)
    with transaction.atomic():
        snapshot = MonthlySnapshot.objects.create(
            campaign=campaign, month=first, taken_at=taken_at, figures=figures, created_by=actor
        )
        detail = _("月度快照：{campaign} {month}").format(campaign=campaign.name, month=snapshot.month_key)
        record(Action.CREATE, actor=actor, obj=snapshot, detail=detail, after={"month": snapshot.month_key})
    return snapshot


def document_bytes(snapshot: MonthlySnapshot) -> bytes:
    """The report rendered from the snapshot's figures alone: the same snapshot, the same bytes."""
    return render(snapshot.figures)


def store_document(snapshot: MonthlySnapshot) -> MonthlySnapshot:
    """Render the snapshot's document and keep it under MEDIA_ROOT/analysis/ (a name nobody can guess)."""
    data = document_bytes(snapshot)
    name = f"{FOLDER}/monthly-{snapshot.campaign_id}-{snapshot.month_key}-{snapshot.pk}-{secrets.token_hex(8)}.docx"
    old = snapshot.document
    snapshot.document = default_storage.save(name, ContentFile(data))
    snapshot.sha256 = hashlib.sha256(data).hexdigest()
    snapshot.save(update_fields=["document", "sha256"])
    if old and old != snapshot.document:
        default_storage.delete(old)
    return snapshot


def generate_report(actor: Any, campaign: Campaign, month: dt.date) -> MonthlySnapshot:
    """A new snapshot of ``month`` and its stored document."""
    return store_document(take_snapshot(actor, campaign, month))


def request_report(actor: Any, campaign: Campaign, month: dt.date) -> Job:
    """Queue ``generate_report`` as a job owned by ``actor``; the campaign page lists the report when done."""
    _require_generate(actor, campaign)
    first = check_month(campaign, month)
    title = _("生成月度报告：{campaign} {month}").format(campaign=campaign.name, month=f"{first:%Y-%m}")
    job = create_job(title[:100], JOB_KIND, owner=actor, params={"campaign": campaign.pk, "month": f"{first:%Y-%m}"})
    start_job(job, JOB_BODY)
    return job


def download_name(snapshot: MonthlySnapshot) -> str:
    return f"{title_of(snapshot.figures)}.docx"


def open_document(actor: Any, snapshot: MonthlySnapshot) -> tuple[IO[bytes], str]:
    """The stored document for a viewer of the campaign's unit, and its name; the download is audited."""
    campaign = snapshot.campaign
    scope.require(actor, Perm.VIEW, campaign.unit.path, _("您无权下载该活动的月度报告。"))
    if not snapshot.document or not default_storage.exists(snapshot.document):
        raise RuleViolation(_("报告文件不存在，请重新生成。"))
    detail = _("下载月度报告：{campaign} {month}").format(campaign=campaign.name, month=snapshot.month_key)
    record(Action.EXPORT, actor=actor, obj=snapshot, detail=detail)
    return default_storage.open(snapshot.document, "rb"), download_name(snapshot)
