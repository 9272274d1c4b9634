"""Pages of the visit calendar (走访报备): the list and its Excel, filing, a visit, the calendars per unit and per
county, the heat of the tree, the warnings passed over and the campaign's rules. Views are thin: the services
write, ``queries`` reads, and everything starts from what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.picker import chosen_campaign
from luoshi.campaigns.queries import visible_campaigns
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.filters import parse_id
from luoshi.core.forms import submitted
from luoshi.core.pagination import Paginator
from luoshi.core.paths import ancestors, subtree_q
from luoshi.orgs.forms import unit_options
from luoshi.orgs.models import Unit
from luoshi.visits import exports, queries, services
from luoshi.visits.filters import VisitFilterSet
from luoshi.visits.forms import UNIT_SHORTLIST, RulesForm, VisitForm, filed
from luoshi.visits.models import Visit
from luoshi.visits.rules import county_of, rules_for

PER_PAGE = 50
WEEKDAYS = [
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
]


def _campaigns(user: Any) -> list[Campaign]:
    campaigns = list(visible_campaigns(user, Perm.VIEW))
    if not campaigns:
        raise NotAllowed(_("您没有可查看的活动。"))
    return campaigns


def _chosen(request: HttpRequest, campaigns: list[Campaign]) -> Campaign:
    campaign = chosen_campaign(request, campaigns)
    assert campaign is not None
    return campaign


def _no_nul(request: HttpRequest) -> None:
    if any("\x00" in value for values in request.GET.lists() for value in values[1]):
        raise BadRequest(_("参数无效。"))


def _unit(request: HttpRequest, user: Any) -> Unit:
    """``?unit=``: a unit the user sees (404 otherwise, 400 for what is no id); by default the user's top unit."""
    raw = request.GET.get("unit", "").strip()
    visible = Unit.objects.visible_to(user, Perm.VIEW)
    if not raw:
        top = visible.order_by("level", "path").first()
        if top is None:
            raise NotAllowed(_("您没有可查看的单位。"))
        return top
    pk = parse_id(raw)
    if pk is None:
        raise BadRequest(_("参数无效。"))
    found = visible.filter(pk=pk).first()
    if found is None:
        raise Http404(_("未找到或无权查看。"))
    return found


def _month(request: HttpRequest) -> dt.date:
    raw = request.GET.get("month", "").strip()
    if not raw:
        return timezone.localdate().replace(day=1)
    try:
        month = dt.datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        raise BadRequest(_("月份格式应为 YYYY-MM。")) from None
    if not 1900 <= month.year <= 2999:
        raise BadRequest(_("月份格式应为 YYYY-MM。"))
    return month


def _optional_campaign(request: HttpRequest, campaigns: list[Campaign]) -> Campaign | None:
    return chosen_campaign(request, campaigns) if request.GET.get("campaign", "").strip() else None


def _shifted(month: dt.date, by: int) -> str:
    index = month.year * 12 + month.month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@login_required
@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    """走访报备: every visit to units the user sees, filtered; the Excel of the same filter."""
    user = actor(request)
    _no_nul(request)
    campaigns = _campaigns(user)
    filters = VisitFilterSet(request.GET, queryset=queries.visible_visits(user), request=request, user=user)
    page = Paginator(filters.qs, ("-date", "-id"), PER_PAGE).page(request.GET)
    context = {
        "filters": filters,
        "page": page,
        "campaigns": campaigns,
        "units": unit_options(list(Unit.objects.visible_to(user, Perm.VIEW).order_by("path")[:UNIT_SHORTLIST])),
        "can_export": scope.has_perm_anywhere(user, Perm.EXPORT),
        "can_file": scope.has_perm_anywhere(user, Perm.FILE_VISIT),
        "query": request.GET.urlencode(),
    }
    return render(request, "visits/list.html", context)


@login_required
@require_GET
def visit_export(request: HttpRequest) -> HttpResponseBase:
    user = actor(request)
    _no_nul(request)
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出。"))
    filters = VisitFilterSet(request.GET, queryset=queries.visible_visits(user), user=user)
    if not filters.is_valid():
        raise BadRequest(_("筛选条件无效。"))
    content = exports.visits_workbook(user, filters.qs, dict(request.GET.lists()))
    return download(content, _("走访报备-{date}.xlsx").format(date=f"{timezone.localdate():%Y%m%d}"))


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest) -> HttpResponse:
    """报备走访 for a campaign: the calendar warns or refuses; past a warning it asks for a reason."""
    user = actor(request)
    campaigns = _campaigns(user)
    campaign = _chosen(request, campaigns)
    if not scope.has_perm_anywhere(user, Perm.FILE_VISIT):
        raise NotAllowed(_("您无权报备走访。"))
    units = Unit.objects.visible_to(user, Perm.FILE_VISIT).order_by("path")
    form = VisitForm(request.POST or None, units=units)

    def call() -> Visit:
        data = form.cleaned_data
        return services.file_visit(
            user, campaign=campaign, unit=data["unit"], organiser=data["organiser"], **form.visit_fields()
        )

    visit, status = filed(request, form, call)
    if visit is not None:
        messages.success(request, _("走访已报备。"))
        return redirect("visits:detail", pk=visit.pk)
    context = {"form": form, "campaign": campaign, "campaigns": campaigns}
    return render(request, "visits/new.html", context, status=status)


def _load(user: Any, pk: int) -> Visit:
    found = queries.visible_visits(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("未找到或无权查看。"))
    return found


@login_required
@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    visit = _load(user, pk)
    context = {
        "visit": visit,
        "can_cancel": visit.state == "planned" and scope.can(user, Perm.FILE_VISIT, visit.org_path),
    }
    return render(request, "visits/detail.html", context)


@login_required
@require_POST
def visit_cancel(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = actor(request)
    visit = _load(user, pk)
    reason = request.POST.get("reason", "")[:500]
    if "\x00" in reason:
        raise BadRequest(_("参数无效。"))
    try:
        services.cancel_visit(user, visit, reason)
    except RuleViolation as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("走访已取消。"))
    return redirect("visits:detail", pk=visit.pk)


def _calendar(request: HttpRequest, template: str, subtree: bool) -> HttpResponse:
    user = actor(request)
    _no_nul(request)
    campaigns = _campaigns(user)
    campaign = _optional_campaign(request, campaigns)
    unit, month = _unit(request, user), _month(request)
    visits = queries.visible_visits(user)
    visits = visits.filter(subtree_q(unit.path)) if subtree else visits.filter(unit=unit)
    if campaign is not None:
        visits = visits.filter(campaign=campaign)
    weeks = queries.month_grid(visits, month)
    days = [day for week in weeks for day in week if day.date and day.visits]
    context = {
        "unit": unit,
        "month": month,
        "weeks": weeks,
        "weekdays": WEEKDAYS,
        "days": days,
        "total": sum(day.count for day in days),
        "campaign": campaign,
        "campaigns": campaigns,
        "previous": _shifted(month, -1),
        "next": _shifted(month, 1),
        "children": Unit.objects.filter(parent=unit).order_by("path")[:200] if subtree else [],
        "county": _county_above(user, unit) if subtree else None,
    }
    return render(request, template, context)


def _county_above(user: Any, unit: Unit) -> Unit | None:
    """The county-level unit above ``unit`` (the one the pile-up rule counts), if the user sees it."""
    county = county_of(unit)
    if county.pk == unit.pk or not scope.can(user, Perm.VIEW, county.path):
        return None
    return county


@login_required
@require_GET
def unit_calendar(request: HttpRequest) -> HttpResponse:
    """走访日历 of one unit: a month grid of the visits it receives."""
    return _calendar(request, "visits/unit_calendar.html", subtree=False)


@login_required
@require_GET
def county_calendar(request: HttpRequest) -> HttpResponse:
    """县级走访日历: the visits to a county's subtree, counted per day, and their list."""
    return _calendar(request, "visits/county_calendar.html", subtree=True)


@login_required
@require_GET
def heat(request: HttpRequest) -> HttpResponse:
    """走访热力: the unit's children by visits received in the campaign, and the units never visited."""
    user = actor(request)
    _no_nul(request)
    campaigns = _campaigns(user)
    campaign = _chosen(request, campaigns)
    unit = _unit(request, user)
    rows = queries.heat(user, campaign, unit)
    missing = queries.never_visited_page(campaign, unit, request.GET)
    trail = Unit.objects.visible_to(user, Perm.VIEW).filter(path__in=ancestors(unit.path)).order_by("path")
    chart = [
        {"name": r.unit.name, "value": r.visits, "step": r.step, "url": f"?campaign={campaign.pk}&unit={r.unit.pk}"}
        for r in rows
        if not r.own
    ]
    context = {
        "campaign": campaign,
        "campaigns": campaigns,
        "unit": unit,
        "rows": rows,
        "chart_data": {"units": chart},
        "missing": missing,
        "trail": trail,
        "keep_unit": unit,
    }
    return render(request, "visits/heat.html", context)


@login_required
@require_GET
def overrides(request: HttpRequest) -> HttpResponse:
    """仍需走访的理由: the visits filed past a warning, for the campaign office."""
    user = actor(request)
    _no_nul(request)
    if not scope.has_perm_anywhere(user, Perm.MANAGE_CAMPAIGN):
        raise NotAllowed(_("只有活动办公室可以查看。"))
    campaigns = _campaigns(user)
    campaign = _optional_campaign(request, campaigns)
    rows = queries.overrides(user)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    page = Paginator(rows, ("-created_at", "-id"), PER_PAGE).page(request.GET)
    return render(request, "visits/overrides.html", {"page": page, "campaign": campaign, "campaigns": campaigns})


@login_required
@require_http_methods(["GET", "POST"])
def rules_page(request: HttpRequest) -> HttpResponse:
    """报备规则 of a campaign: the office sets limits, windows, warn or block; others read them."""
    user = actor(request)
    campaigns = _campaigns(user)
    campaign = _chosen(request, campaigns)
    can_edit = scope.can(user, Perm.MANAGE_CAMPAIGN, campaign.unit.path)
    if request.method == "POST" and not can_edit:
        raise NotAllowed(_("只有活动办公室可以设置走访报备规则。"))
    form = RulesForm(request.POST or None, rules=rules_for(campaign))
    saved, status = submitted(request, form, lambda: services.save_rules(user, campaign, form.rows()))
    if saved:
        messages.success(request, _("走访报备规则已保存。"))
        return redirect(f"{request.path}?campaign={campaign.pk}")
    context = {"campaigns": campaigns, "campaign": campaign, "form": form, "can_edit": can_edit}
    return render(request, "visits/rules.html", context, status=status)
