"""The background job that reads one uploaded report (工作报告处理)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from luoshi.jobs.runner import JobContext, JobFailed
from luoshi.reports import services
from luoshi.reports.choices import ReportStatus
from luoshi.reports.models import Report


def process_report_job(ctx: JobContext) -> dict[str, Any]:
    """Job body: extract the report's text and figures; a failure fails the job with the report's reason."""
    report = Report.objects.filter(pk=ctx.job.params.get("report")).first()
    if report is None:
        raise JobFailed(_("报告已不存在，未处理。"))
    ctx.progress(10, f"读取「{report.original_name}」")
    report = services.process_report(report)
    if report.status == ReportStatus.FAILED:
        raise JobFailed(report.failure)
    count = report.figures.count()
    message = _("报告「{title}」已处理，提取数字 {count} 个。").format(title=report.title, count=count)
    return {"message": message, "report": report.pk, "figures": count}
