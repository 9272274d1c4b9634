"""Pages of reports (工作报告): list, upload, the report with its highlighted figures and claims check,
figure correction (HTMX), Excel export, claims-check rules and the consistency panel of a unit."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.access.scope import get_visible_or_404
from luoshi.campaigns import services as campaign_services
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.queries import get_visible_campaign_or_404, visible_campaigns
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.pagination import Paginator
from luoshi.orgs.models import Unit
from luoshi.reports import claims, exports, queries, services
from luoshi.reports.choices import ReportStatus
from luoshi.reports.filters import ReportFilterSet
from luoshi.reports.forms import FigureForm, RuleForm, UploadForm
from luoshi.reports.models import ClaimRule, Figure, Report

FIGURE_FIELDS = ("value", "value_max", "unit", "approx", "change", "subject", "excluded")


def _require_view(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您无权查看工作报告。"))


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """工作报告: the reports in the user's scope, filtered by campaign, unit, status and kind."""
    user = request.user
    _require_view(user)
    filterset = ReportFilterSet(request.GET, queryset=queries.report_list(user), user=user)
    reports = filterset.qs if filterset.is_valid() else queries.report_list(user).none()
    campaign = filterset.form.cleaned_data.get("campaign") if filterset.is_valid() else None
    page = Paginator(reports, ("-id",), 50, rows=queries.with_figure_counts(reports)).page(request.GET)
    context = {
        "filterset": filterset,
        "page": page,
        "running": any(r.status in (ReportStatus.PENDING, ReportStatus.PROCESSING) for r in page),
        "campaign": campaign,
        "can_upload": scope.has_perm_anywhere(user, Perm.UPLOAD_REPORT),
        "can_export": scope.has_perm_anywhere(user, Perm.EXPORT),
        "campaigns": visible_campaigns(user),
    }
    return render(request, "reports/list.html", context)


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """上传工作报告: one or many files for one unit in one campaign; each is processed in the background."""
    user = request.user
    if not scope.has_perm_anywhere(user, Perm.UPLOAD_REPORT):
        raise NotAllowed(_("您无权上传工作报告。"))
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reports = services.upload_reports(
                user, data["campaign"], data["unit"], data["documents"], kind=data["kind"], title=data["title"]
            )
        except RuleViolation as exc:
            form.add_error("documents", str(exc))
        else:
            messages.success(request, _("已上传 {count} 份报告，正在后台处理。").format(count=len(reports)))
            if len(reports) == 1:
                return redirect("reports:detail", pk=reports[0].pk)
            return redirect(reverse("reports:list") + f"?campaign={data['campaign'].pk}")
    return render(request, "reports/upload.html", {"form": form})


def _detail_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    figures = list(report.figures.all())
    checked = claims.check_report(report) if report.status == ReportStatus.DONE else []
    by_figure = {c.figure.pk: c for c in checked}
    return {
        "report": report,
        "figures": [(f, by_figure.get(f.pk)) for f in figures],
        "pieces": queries.pieces(report.text, figures),
        "claims": claims.sort_claims(checked),
        "running": report.status in (ReportStatus.PENDING, ReportStatus.PROCESSING),
        **queries.report_permissions(request.user, report),
    }


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report: its text with every figure highlighted, the figure list and the claims check beside it."""
    report = queries.load_report(request.user, pk)
    return render(request, "reports/detail.html", _detail_context(request, report))


@require_POST
def reprocess(request: HttpRequest, pk: int) -> HttpResponse:
    report = queries.load_report(request.user, pk)
    try:
        services.reprocess_report(request.user, report)
    except RuleViolation as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已重新排队处理。"))
    return redirect("reports:detail", pk=report.pk)


def _figure_form(figure: Figure, data: Any = None) -> FigureForm:
    initial = {name: getattr(figure, name) for name in FIGURE_FIELDS} | {"version": figure.version}
    return FigureForm(data, initial=initial)


ITEM = "reports/_figure_item.html"


def _figure_answer(request: HttpRequest, template: str, figure: Figure, form: FigureForm | None) -> HttpResponse:
    report = figure.report
    context: dict[str, Any] = {"report": report, "figure": figure, "form": form, "can_correct": True}
    if template == ITEM:
        checked = claims.check_report_figures(report, [figure])
        context.update(claim=checked[0] if checked else None, oob=request.method == "POST")
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, template, context)
    return render(request, "reports/figure_page.html", {**context, "inner": template})


@require_http_methods(["GET", "POST"])
def figure_edit(request: HttpRequest, pk: int, figure_pk: int) -> HttpResponse:
    """校正报告数字 (HTMX): GET gives the form in place of the figure, POST saves through the service."""
    report = queries.load_report(request.user, pk)
    figure = queries.load_figure(request.user, report, figure_pk)
    if not scope.can(request.user, Perm.CORRECT_FIGURE, figure.org_path):
        raise NotAllowed(_("您无权校正该报告的数字。"))
    if request.method == "GET":
        shown = "reports/_figure_form.html" if request.GET.get("cancel") is None else ITEM
        return _figure_answer(request, shown, figure, _figure_form(figure))
    form = _figure_form(figure, request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            figure = services.correct_figure(request.user, figure, version, **data)
            figure.report = report
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, _("已保存校正。"))
                return redirect("reports:detail", pk=report.pk)
            return _figure_answer(request, ITEM, figure, None)
    return _figure_answer(request, "reports/_figure_form.html", figure, form)


@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    """导出报告数字: every figure of every report of a campaign within the user's scope, as .xlsx."""
    _require_view(request.user)
    campaign = get_visible_campaign_or_404(request.user, request.GET.get("campaign", ""))
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so removes) it once sent
    try:
        exports.export_for_user(request.user, campaign, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    filename = _("报告数字-{campaign}-{date}.xlsx").format(campaign=campaign.pk, date=f"{timezone.localdate():%Y%m%d}")
    return download(target, filename)


def _rules_page(request: HttpRequest, campaign: Campaign, form: RuleForm, status: int = 200) -> HttpResponse:
    rules = claims.effective_rules(campaign)
    context = {
        "campaign": campaign,
        "own_rules": [r for r in rules if r.campaign_id is not None],
        "default_rules": [r for r in rules if r.campaign_id is None],
        "form": form,
        "can_manage": campaign_services.can_manage(request.user, campaign),
    }
    return render(request, "reports/rules.html", context, status=status)


@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """核对规则 of a campaign: its own rules (tried first) and the platform defaults; the office adds rules."""
    _require_view(request.user)
    campaign = get_visible_campaign_or_404(request.user, request.GET.get("campaign", ""))
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_rule(request.user, campaign, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已新增核对规则。"))
            return redirect(reverse("reports:rules") + f"?campaign={campaign.pk}")
    return _rules_page(request, campaign, form)


def _campaign_rule(request: HttpRequest, pk: int) -> ClaimRule:
    rule = ClaimRule.objects.filter(pk=pk, campaign__in=visible_campaigns(request.user)).first()
    if rule is None:
        raise Http404(_("未找到或无权查看。"))
    return rule


def _back_to_rules(rule: ClaimRule) -> HttpResponse:
    return redirect(reverse("reports:rules") + f"?campaign={rule.campaign_id}")


@require_POST
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _campaign_rule(request, pk)
    form = RuleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("；").join(str(e) for errors in form.errors.values() for e in errors))
        return _back_to_rules(rule)
    try:
        services.update_rule(request.user, rule, **form.cleaned_data)
    except RuleViolation as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已保存核对规则。"))
    return _back_to_rules(rule)


@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _campaign_rule(request, pk)
    try:
        services.delete_rule(request.user, rule)
    except RuleViolation as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已删除核对规则。"))
    return _back_to_rules(rule)


@require_GET
def unit_claims(request: HttpRequest, pk: int) -> HttpResponse:
    """数字核对 panel of a unit's page (loaded by HTMX): its reports' checked claims, inconsistent first."""
    unit = get_visible_or_404(Unit.objects.all(), request.user, Perm.VIEW, pk=pk)
    checked = claims.unit_claims(request.user, unit)
    context = {"unit": unit, "claims": checked, "inconsistent": sum(c.verdict == "inconsistent" for c in checked)}
    return render(request, "reports/_unit_claims.html", context)
