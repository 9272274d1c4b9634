"""The read side of reports: what a user may see, and the report text cut into highlighted pieces."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.access.scope import get_visible_or_404
from luoshi.core.paths import subtree_q
from luoshi.reports.models import Figure, Report

LIST_RELATED = ("campaign", "unit", "uploaded_by")


def visible_reports(user: Any, perm: str = Perm.VIEW) -> QuerySet[Report]:
    return Report.objects.visible_to(user, perm)


def report_list(user: Any, campaign: Any = None, unit: Any = None) -> QuerySet[Report]:
    """Reports in the user's scope, newest first; a unit filter includes its subtree."""
    reports = visible_reports(user).select_related(*LIST_RELATED).defer("text")
    if campaign is not None:
        reports = reports.filter(campaign=campaign)
    if unit is not None:
        reports = reports.filter(subtree_q(unit.path))
    return reports.order_by("-id")


def with_figure_counts(reports: QuerySet[Report]) -> QuerySet[Report]:
    """The reports with ``figure_count``, the figures not excluded: for the rows of one page."""
    return reports.annotate(figure_count=Count("figures", filter=Q(figures__excluded=False)))


def load_report(user: Any, pk: int) -> Report:
    """Out of scope and missing look the same: 404."""
    return get_visible_or_404(Report.objects.select_related(*LIST_RELATED), user, pk=pk)


def load_figure(user: Any, report: Report, figure_pk: int) -> Figure:
    figure = get_visible_or_404(Figure.objects.all(), user, pk=figure_pk, report=report)
    figure.report = report
    return figure


@dataclass(frozen=True)
class Piece:
    """A run of report text, and the figure it shows when it is one."""

    text: str
    figure: Figure | None = None


def pieces(text: str, figures: Sequence[Figure]) -> list[Piece]:
    """The text cut at each figure's offsets, for <mark> highlighting; figures that overlap or misplace are skipped."""
    out: list[Piece] = []
    at = 0
    for figure in sorted(figures, key=lambda f: (f.start, f.end)):
        if figure.start < at or figure.end > len(text) or figure.end <= figure.start:
            continue
        if figure.start > at:
            out.append(Piece(text[at : figure.start]))
        out.append(Piece(text[figure.start : figure.end], figure))
        at = figure.end
    if at < len(text):
        out.append(Piece(text[at:]))
    return out


def report_permissions(user: Any, report: Report) -> dict[str, bool]:
    return {
        "can_correct": scope.can(user, Perm.CORRECT_FIGURE, report.org_path),
        "can_reprocess": scope.can(user, Perm.UPLOAD_REPORT, report.org_path),
    }
