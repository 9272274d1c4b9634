"""Pages of monthly analysis reports (月度分析报告): a campaign's reports, generating one, downloading one."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luoshi.analysis import queries, services
from luoshi.analysis.forms import MonthForm
from luoshi.analysis.render import DOCX_TYPE
from luoshi.campaigns.models import Campaign
from luoshi.core.downloads import download
from luoshi.core.errors import RuleViolation


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return f"{first - dt.timedelta(days=1):%Y-%m}"


def _page(request: HttpRequest, campaign: Campaign, form: MonthForm, status: int = 200) -> HttpResponse:
    context = {
        "campaign": campaign,
        "form": form,
        "reports": queries.reports_of(campaign),
        "jobs": queries.running_jobs(request.user, campaign),
        "can_generate": services.can_generate(request.user, campaign),
    }
    return render(request, "analysis/campaign.html", context, status=status)


@require_GET
def campaign_reports(request: HttpRequest, pk: int) -> HttpResponse:
    """月度分析报告 of a campaign: the reports made so far and, for its office, the form that makes one."""
    campaign = queries.campaign_for(request.user, pk)
    return _page(request, campaign, MonthForm(initial={"month": _last_month()}))


@require_POST
def generate(request: HttpRequest, pk: int) -> HttpResponse:
    """生成月度报告: queue the job; the page lists the report when it is done."""
    campaign = queries.campaign_for(request.user, pk)
    form = MonthForm(request.POST)
    if form.is_valid():
        try:
            services.request_report(request.user, campaign, form.cleaned_data["month"])
        except RuleViolation as exc:
            form.add_error("month", str(exc))
        else:
            messages.success(request, _("已开始生成月度报告，完成后可在本页下载。"))
            return redirect("analysis:campaign", pk=campaign.pk)
    return _page(request, campaign, form, status=400)


@require_GET
def download_report(request: HttpRequest, pk: int) -> FileResponse:
    """The stored .docx of a report, for viewers of the campaign's unit; audited."""
    snapshot = queries.snapshot_for(request.user, pk)
    stream, name = services.open_document(request.user, snapshot)
    return download(stream, name, content_type=DOCX_TYPE)
