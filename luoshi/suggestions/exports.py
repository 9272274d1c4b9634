"""Excel of suggestions: the suggestions a user sees with the list's filters, one row each; suggesters' names and
phones only masked, every cell from user input neutralised by ``luoshi.core.excel``; every export is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.excel import Cells, Column, table_bytes
from luoshi.core.filters import applied_filters, refused_filters
from luoshi.suggestions import queries
from luoshi.suggestions.choices import Adoption, Source, SuggestionCategory, SuggestionState
from luoshi.suggestions.models import Suggestion
from luoshi.tracking.choices import Light

MAX_ROWS = 100_000
STATES = dict(SuggestionState.choices)
CATEGORIES = dict(SuggestionCategory.choices)
SOURCES = dict(Source.choices)
ADOPTIONS = dict(Adoption.choices)
LIGHTS = dict(Light.choices)


def suggester(s: Suggestion) -> str:
    """Who made the suggestion, as lists show it: 匿名, a masked name, or the member's account."""
    if s.anonymous:
        return _("匿名")
    if s.source == Source.PUBLIC:
        return s.name_masked or _("群众")
    return str(s.submitted_by) if s.submitted_by_id else ""


COLUMNS = [
    Column(gettext_lazy("编号"), width=20),
    Column(gettext_lazy("活动"), width=20),
    Column(gettext_lazy("来源"), width=10),
    Column(gettext_lazy("建议人"), width=12),
    Column(gettext_lazy("联系电话"), width=14),
    Column(gettext_lazy("类别"), width=10),
    Column(gettext_lazy("主题"), width=16),
    Column(gettext_lazy("标题"), width=30),
    Column(gettext_lazy("建议内容"), width=50),
    Column(gettext_lazy("同类建议"), width=20),
    Column(gettext_lazy("状态"), width=10),
    Column(gettext_lazy("承办单位"), width=18),
    Column(gettext_lazy("答复时限"), Cells.DATE, 12),
    Column(gettext_lazy("预警"), width=8),
    Column(gettext_lazy("答复时间"), Cells.DATE, 12),
    Column(gettext_lazy("答复内容"), width=50),
    Column(gettext_lazy("采纳情况"), width=10),
    Column(gettext_lazy("采纳说明"), width=40),
    Column(gettext_lazy("提出时间"), Cells.DATE, 12),
]


def _day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value else None


def _row(s: Suggestion) -> tuple[Any, ...]:
    return (
        s.number,
        s.campaign.name,
        str(SOURCES.get(s.source, s.source)),
        suggester(s),
        "" if s.anonymous else s.phone_masked,
        str(CATEGORIES.get(s.category, s.category)),
        s.topic,
        s.title,
        s.content,
        s.group.title if s.group else "",
        str(STATES.get(s.state, s.state)),
        s.unit.name if s.unit else "",
        s.deadline,
        str(LIGHTS.get(s.light, s.light)) if s.state == SuggestionState.REFERRED else "",
        _day(s.answered_at),
        s.answer,
        str(ADOPTIONS.get(s.adoption, "")) if s.adoption else "",
        s.adoption_reason,
        _day(s.created_at),
    )


def suggestions_workbook(user: Any, params: QueryDict) -> tuple[bytes, int]:
    """The suggestions the user sees with the list's filters (the same FilterSet), a row per suggestion."""
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出。"))
    filterset = queries.filtered(user, params)
    if not filterset.is_valid():
        raise RuleViolation(refused_filters(filterset))
    rows = filterset.qs.select_related("submitted_by").order_by("-id")[:MAX_ROWS]
    content, count = table_bytes(gettext_lazy("意见建议"), COLUMNS, (_row(s) for s in rows))
    record(
        Action.EXPORT,
        actor=user,
        object_type=Suggestion._meta.label_lower,
        detail=f"导出意见建议 {count} 条",
        after={"rows": count, "filters": applied_filters(filterset, params)},
    )
    return content, count


def download_name() -> str:
    return _("意见建议-{date}.xlsx").format(date=f"{timezone.localdate():%Y%m%d}")
