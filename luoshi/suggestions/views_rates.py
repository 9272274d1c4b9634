"""建议办理率 (office side): reply, on-time reply and adoption rates of a unit's subtree for a campaign, drilled
down to its children, with the Excel export. Definitions in ``luoshi.suggestions.rates``."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed
from luoshi.core.excel import Column, Kind, table_bytes
from luoshi.core.filters import parse_id
from luoshi.core.paths import ancestors, is_within
from luoshi.orgs.models import Unit
from luoshi.suggestions import rates

NOT_FOUND = _("未找到或无权查看。")


def percent(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def _campaigns(user: Any) -> QuerySet[Campaign]:
    return Campaign.objects.visible_to(user).select_related("unit").order_by("-is_active", "-starts_on", "id")


def _chosen_campaign(user: Any, raw: str) -> Campaign | None:
    """``?campaign=`` among the campaigns the user sees (404 otherwise), else the newest active one."""
    if not raw:
        return _campaigns(user).first()
    found = _campaigns(user).filter(pk=parse_id(raw) or 0).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def _chosen_unit(user: Any, campaign: Campaign, raw: str) -> Unit:
    """``?unit=`` within the user's scope and the campaign's subtree (404 otherwise); else the campaign's unit when
    the user sees it, else the user's top unit within the campaign."""
    top = campaign.unit.path
    if raw:
        pk = parse_id(raw)
        unit = Unit.objects.visible_to(user, Perm.VIEW).filter(pk=pk or 0).first()
        if unit is None or not is_within(unit.path, top):
            raise Http404(NOT_FOUND)
        return unit
    if scope.can(user, Perm.VIEW, top):
        return campaign.unit
    mine = [path for path in scope.scope_paths(user, Perm.VIEW) if is_within(path, top)]
    if not mine:
        raise Http404(NOT_FOUND)
    return Unit.objects.get(path=mine[0])


def _cells(counts: rates.Counts) -> dict[str, Any]:
    return {
        "counts": counts,
        "reply": percent(counts.reply_rate),
        "on_time": percent(counts.on_time_rate),
        "adoption": percent(counts.adoption_rate),
    }


def figures(user: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of ``?campaign=&unit=`` for ``user`` (pages and API): a campaign or unit out of scope is 404."""
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(gettext("您无权查看意见建议办理情况。"))
    campaign = _chosen_campaign(user, str(params.get("campaign", "")))
    if campaign is None:
        return {"campaign": None, "campaigns": []}
    unit = _chosen_unit(user, campaign, str(params.get("unit", "")))
    total, rows = rates.drill_down(campaign, unit)
    crumbs = Unit.objects.visible_to(user, Perm.VIEW).filter(path__in=ancestors(unit.path))
    return {
        "campaign": campaign,
        "campaigns": list(_campaigns(user)),
        "unit": unit,
        "crumbs": [c for c in crumbs.order_by("path") if is_within(c.path, campaign.unit.path)],
        "total": _cells(total),
        "rows": [{"row": row, **_cells(row.counts)} for row in rows],
    }


@require_GET
def rates_page(request: HttpRequest) -> HttpResponse:
    """建议办理率: the subtree's figures and one line per child unit, each a link one level down."""
    return render(request, "suggestions/rates.html", figures(request.user, request.GET))


COLUMNS = [
    Column(_("单位"), width=24),
    Column(_("转办"), Kind.INTEGER, 8),
    Column(_("已答复"), Kind.INTEGER, 8),
    Column(_("答复率"), Kind.PERCENT, 10),
    Column(_("按时答复"), Kind.INTEGER, 10),
    Column(_("应答复"), Kind.INTEGER, 8),
    Column(_("按时答复率"), Kind.PERCENT, 12),
    Column(_("已认定"), Kind.INTEGER, 8),
    Column(_("采纳"), Kind.INTEGER, 8),
    Column(_("采纳率"), Kind.PERCENT, 10),
    Column(_("超期未答复"), Kind.INTEGER, 12),
]


def _line(name: str, c: rates.Counts) -> list[Any]:
    return [
        name, c.referred, c.answered, c.reply_rate, c.on_time, c.due, c.on_time_rate, c.decided, c.adopted,
        c.adoption_rate, c.overdue,
    ]  # fmt: skip


@require_GET
def rates_export(request: HttpRequest) -> FileResponse:
    """The same figures as an Excel workbook: one line per child unit, then the subtree's total."""
    found = figures(request.user, request.GET)
    campaign, unit = found["campaign"], found.get("unit")
    if campaign is None or unit is None:
        raise Http404(NOT_FOUND)
    lines = [_line(r["row"].name, r["counts"]) for r in found["rows"]]
    lines.append(_line(gettext("合计"), found["total"]["counts"]))
    data, _count = table_bytes(gettext("意见建议办理率"), COLUMNS, lines)
    return download(data, f"意见建议办理率-{campaign.name}-{unit.name}.xlsx")
