"""The background job that makes a monthly report (生成月度报告)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from luoshi.analysis import services
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import RuleViolation
from luoshi.jobs.runner import JobContext, JobFailed


def monthly_report_job(ctx: JobContext) -> dict[str, Any]:
    """Job body: as the job's owner (scope as of now), take the month's snapshot and store its document."""
    owner = ctx.job.owner
    campaign = Campaign.objects.select_related("unit").filter(pk=ctx.job.params.get("campaign")).first()
    if owner is None or campaign is None:
        raise JobFailed(_("发起人或活动已不存在，未生成报告。"))
    ctx.progress(10, _("读取本月数据"))
    try:
        month = services.parse_month(ctx.job.params.get("month"))
        snapshot = services.take_snapshot(owner, campaign, month)
        ctx.progress(60, _("生成 Word 文档"))
        snapshot = services.store_document(snapshot)
    except RuleViolation as exc:
        raise JobFailed(str(exc)) from exc
    message = _("月度报告已生成：{name}").format(name=services.download_name(snapshot))
    return {"message": message, "snapshot": snapshot.pk}
