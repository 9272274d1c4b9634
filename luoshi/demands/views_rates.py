"""Pages of the three rates: ranking of child units and the red/black list (三率排名、红黑榜), Excel exports."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed
from luoshi.core.excel import Column, Kind, table_bytes
from luoshi.core.paths import ancestors
from luoshi.demands import rates
from luoshi.orgs.models import Unit

STATUS_LABELS = {rates.BLACK: _("黑榜"), rates.RED: _("红榜"), "": "—"}
STATUS_ORDER = {rates.BLACK: 0, rates.RED: 1, "": 2}


def percent(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def _chosen_unit(request: HttpRequest) -> Unit:
    """The unit whose children are shown: ``?unit=`` within the user's demand scope, else the top scope unit."""
    tops = scope.scope_paths(request.user, Perm.VIEW_DEMANDS)
    if not tops:
        raise NotAllowed(gettext("您无权查看诉求办理情况。"))
    pk = request.GET.get("unit", "")
    if not pk:
        return Unit.objects.get(path=tops[0])
    if not pk.isdigit():
        raise Http404(gettext("未找到或无权查看。"))
    return scope.get_visible_or_404(Unit.objects.all(), request.user, Perm.VIEW_DEMANDS, pk=int(pk))


def _common(request: HttpRequest) -> tuple[Unit, rates.Period, dict[str, Any]]:
    unit = _chosen_unit(request)
    period = rates.Period.parse_month(request.GET.get("month"), timezone.localdate())
    crumbs = Unit.objects.filter(path__in=ancestors(unit.path)).visible_to(request.user, Perm.VIEW_DEMANDS)
    config = rates.RateSettings.current()
    context = {
        "unit": unit,
        "period": period,
        "crumbs": list(crumbs.order_by("path")),
        "config": config,
        "thresholds": [
            (
                rates.RATE_LABELS[n],
                percent(config.black_below[n]),
                percent(config.red_from[n]),
                f"{float(config.weights[n] * 100):g}",
            )
            for n in rates.RATE_NAMES
        ],
    }
    return unit, period, context


def _cells(row: rates.RateRow) -> dict[str, Any]:
    failures = [f"{f.label} {percent(f.value)} < {percent(f.threshold)}" for f in row.failures]
    return {
        "row": row,
        "rates": [percent(r) for r in row.rate_list()],
        "score": "—" if row.score is None else f"{float(row.score) * 100:.2f}",
        "status": str(STATUS_LABELS[row.status]),
        "failures": failures,
        "has_children": isinstance(row.entity, Unit),
    }


def _xlsx(title: str, columns: list[Column], lines: list[list[Any]], filename: str) -> FileResponse:
    data, _count = table_bytes(title, columns, lines)
    return download(data, filename)


def _rate_columns() -> list[Column]:
    return [Column(rates.RATE_LABELS[n], Kind.PERCENT, 12) for n in rates.RATE_NAMES]


@require_GET
def ranking_page(request: HttpRequest) -> HttpResponse:
    """三率排名: the child units of a unit ranked by composite score for a month, the three lowest named."""
    unit, period, context = _common(request)
    rows = rates.ranking(unit, period, context["config"])
    chart = [{"name": r.name, "value": round(float(r.score) * 100, 2)} for r in rows if r.score is not None]
    context.update(
        rows=[_cells(r) for r in rows],
        lowest=rates.lowest_named(rows),
        chart_data={"units": chart},
        total=rates.figures(rates.rollups_in(period, unit.path)),
    )
    return render(request, "demands/rates/ranking.html", context)


@require_GET
def ranking_export(request: HttpRequest) -> FileResponse:
    unit, period, context = _common(request)
    columns = [
        Column(_("排名"), Kind.INTEGER, 6),
        Column(_("单位"), width=24),
        Column(_("受理量"), Kind.INTEGER, 10),
        *_rate_columns(),
        Column(_("综合得分"), Kind.PERCENT, 12, number_format="0.00%"),
    ]
    lines = [
        [r.rank, r.name, r.figures.received, *r.rate_list(), r.score]
        for r in rates.ranking(unit, period, context["config"])
    ]
    return _xlsx(gettext("三率排名"), columns, lines, f"三率排名-{unit.name}-{period.key}.xlsx")


def _list_rows(request: HttpRequest) -> tuple[str, Unit, rates.Period, dict[str, Any], list[dict[str, Any]]]:
    unit, period, context = _common(request)
    kind = request.GET.get("kind", "units")
    if kind not in rates.LIST_KINDS:
        kind = "units"
    found = rates.red_black(kind, unit, period, context["config"])
    found.sort(key=lambda r: STATUS_ORDER[r.status])
    return kind, unit, period, context, [_cells(r) for r in found]


@require_GET
def lists_page(request: HttpRequest) -> HttpResponse:
    """红黑榜: units, companies or projects of a subtree for a month, each with the thresholds it falls under."""
    kind, _unit, _period, context, cells = _list_rows(request)
    context.update(
        kind=kind,
        kinds=list(rates.LIST_KINDS.items()),
        rows=cells,
        black_count=sum(1 for c in cells if c["row"].status == rates.BLACK),
        red_count=sum(1 for c in cells if c["row"].status == rates.RED),
    )
    return render(request, "demands/rates/lists.html", context)


@require_GET
def lists_export(request: HttpRequest) -> FileResponse:
    kind, unit, period, _context, cells = _list_rows(request)
    columns = [
        Column(_("榜单"), width=8),
        Column(_("名称"), width=24),
        Column(_("受理量"), Kind.INTEGER, 10),
        *_rate_columns(),
        Column(_("未达标项"), width=50),
    ]
    lines = [
        [c["status"], c["row"].name, c["row"].figures.received, *c["row"].rate_list(), "；".join(c["failures"])]
        for c in cells
    ]
    label = str(rates.LIST_KINDS[kind])
    return _xlsx(gettext("红黑榜"), columns, lines, f"红黑榜-{label}-{unit.name}-{period.key}.xlsx")
