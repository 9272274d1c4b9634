"""One FilterSet for the lecture order lists (the list page, 我的宣讲, the export, the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.core.filters import DayFilter, IdChoiceFilter, IdFilter, RefusedFiltersMixin
from luoshi.core.paths import subtree_q
from luoshi.lectures.choices import OrderState
from luoshi.lectures.models import LectureOrder
from luoshi.orgs.models import Unit


class OrderFilterSet(RefusedFiltersMixin, django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))
    category = IdFilter(field_name="item__category_id", label=_("类别"))
    item = IdFilter(field_name="item_id", label=_("宣讲题目"))
    speaker = IdFilter(field_name="speaker_id", label=_("宣讲人"))
    state = django_filters.MultipleChoiceFilter(choices=OrderState.choices, label=_("状态"))
    unit = IdChoiceFilter(queryset=Unit.objects.all(), method="filter_subtree", label=_("点单单位（含下级）"))
    date_from = DayFilter(method="filter_from", label=_("日期自"))
    date_to = DayFilter(method="filter_to", label=_("日期至"))
    q = django_filters.CharFilter(method="filter_text", label=_("关键词"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("我的宣讲"))

    class Meta:
        model = LectureOrder
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)
        if self.user is not None:
            self.filters["unit"].queryset = Unit.objects.visible_to(self.user, Perm.VIEW)

    def filter_subtree(self, queryset: QuerySet[LectureOrder], name: str, value: Any) -> QuerySet[LectureOrder]:
        return queryset.filter(subtree_q(value.path)) if value else queryset

    @staticmethod
    def _day_q(value: Any, op: str) -> Q:
        """The lecture's date once dispatched, the wished date before."""
        fixed = Q(**{f"date__{op}": value})
        return fixed | Q(date__isnull=True, **{f"wished_date__{op}": value})

    def filter_from(self, queryset: QuerySet[LectureOrder], name: str, value: Any) -> QuerySet[LectureOrder]:
        return queryset.filter(self._day_q(value, "gte")) if value else queryset

    def filter_to(self, queryset: QuerySet[LectureOrder], name: str, value: Any) -> QuerySet[LectureOrder]:
        return queryset.filter(self._day_q(value, "lte")) if value else queryset

    def filter_text(self, queryset: QuerySet[LectureOrder], name: str, value: str) -> QuerySet[LectureOrder]:
        text = value.strip()[:100]
        return queryset.filter(Q(item__title__contains=text) | Q(audience__contains=text)) if text else queryset

    def filter_mine(self, queryset: QuerySet[LectureOrder], name: str, value: bool | None) -> QuerySet[LectureOrder]:
        """我的宣讲: the orders the user speaks at."""
        if not value or self.user is None or not getattr(self.user, "is_authenticated", False):
            return queryset
        return queryset.filter(speaker__user=self.user)
