"""Excel of the lecture menu: a campaign's menu (in the import's columns, so an export can be edited and imported
into another campaign) and the orders a user sees with the list's filters. Every cell from user input is
neutralised by ``luoshi.core.excel``; every export is audited."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.excel import Cells, Column, table_bytes
from luoshi.core.filters import applied_filters, refused_filters
from luoshi.lectures import queries, services
from luoshi.lectures.choices import OrderState
from luoshi.lectures.filters import OrderFilterSet
from luoshi.lectures.imports import CATEGORY, MINUTES, SPEAKER, SUMMARY, TITLE
from luoshi.lectures.models import LectureItem, LectureOrder

MAX_ROWS = 100_000
STATES = dict(OrderState.choices)


def _require_export(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出。"))


def menu_workbook(user: Any, campaign: Campaign) -> bytes:
    """The campaign's menu, one row per item: the import's columns, then the speaker's name and the figures."""
    _require_export(user)
    items = LectureItem.objects.filter(campaign=campaign).select_related("category", "speaker")
    items = items.order_by("category__order", "category_id", "id")
    found = queries.figures(items.values("pk"))
    rows = []
    for item in items:
        fig = found.get(item.pk, queries.ItemFigures())
        rating = round(fig.rating, 1) if fig.rating is not None else None
        rows.append(
            (
                item.category.name,
                item.title,
                item.speaker.number,
                item.minutes,
                item.summary,
                item.speaker.name,
                _("是") if item.active else _("否"),
                fig.orders,
                fig.held,
                fig.listeners,
                rating,
            )
        )
    columns = [
        Column(CATEGORY, width=16),
        Column(TITLE, width=40),
        Column(SPEAKER, width=16),
        Column(MINUTES, Cells.INTEGER, 12),
        Column(SUMMARY, width=50),
        Column(gettext_lazy("宣讲人"), width=12),
        Column(gettext_lazy("上架"), width=8),
        Column(gettext_lazy("点单次数"), Cells.INTEGER, 10),
        Column(gettext_lazy("已宣讲"), Cells.INTEGER, 10),
        Column(gettext_lazy("听众人数"), Cells.INTEGER, 10),
        Column(gettext_lazy("平均评分"), Cells.DECIMAL, 10),
    ]
    content, count = table_bytes(gettext_lazy("宣讲菜单"), columns, rows)
    record(Action.EXPORT, actor=user, obj=campaign, detail=f"导出宣讲菜单 {count} 项", after={"rows": count})
    return content


def orders_workbook(user: Any, params: QueryDict) -> tuple[bytes, int]:
    """The orders the user sees with the list's filters: a row per order."""
    _require_export(user)
    filterset = OrderFilterSet(params, queryset=queries.orders_for(user), user=user)
    if not filterset.is_valid():
        raise RuleViolation(refused_filters(filterset))
    orders = filterset.qs.order_by("org_path", "id")
    columns = [
        Column(gettext_lazy("编号"), Cells.INTEGER, 8),
        Column(gettext_lazy("活动"), width=20),
        Column(gettext_lazy("类别"), width=14),
        Column(gettext_lazy("宣讲题目"), width=36),
        Column(gettext_lazy("宣讲人"), width=12),
        Column(gettext_lazy("点单单位"), width=18),
        Column(gettext_lazy("期望日期"), Cells.DATE, 12),
        Column(gettext_lazy("期望时段"), width=8),
        Column(gettext_lazy("宣讲日期"), Cells.DATE, 12),
        Column(gettext_lazy("宣讲时段"), width=8),
        Column(gettext_lazy("宣讲对象"), width=20),
        Column(gettext_lazy("地点"), width=20),
        Column(gettext_lazy("状态"), width=8),
        Column(gettext_lazy("听众人数"), Cells.INTEGER, 10),
        Column(gettext_lazy("评分"), Cells.INTEGER, 6),
        Column(gettext_lazy("评价"), width=40),
    ]
    rows = (
        (
            o.pk,
            o.campaign.name,
            o.item.category.name,
            o.item.title,
            o.speaker.name,
            o.unit.name,
            o.wished_date,
            services.half_label(o.wished_half),
            o.date,
            services.half_label(o.half) if o.half else "",
            o.audience,
            o.place,
            str(STATES.get(o.state, o.state)),
            o.listeners,
            o.rating,
            o.rating_comment,
        )
        for o in orders[:MAX_ROWS]
    )
    content, count = table_bytes(gettext_lazy("宣讲点单"), columns, rows)
    record(
        Action.EXPORT,
        actor=user,
        object_type=LectureOrder._meta.label_lower,
        detail=f"导出宣讲点单 {count} 个",
        after={"rows": count, "filters": applied_filters(filterset, params)},
    )
    return content, count


def download_name() -> str:
    return _("宣讲点单-{date}.xlsx").format(date=f"{timezone.localdate():%Y%m%d}")
