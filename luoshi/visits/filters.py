"""One FilterSet for the calendar list, its Excel export and the API: campaign, unit subtree, dates, organiser."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.core.filters import DayFilter, IdChoiceFilter, IdFilter, RefusedFiltersMixin
from luoshi.core.paths import subtree_q
from luoshi.orgs.models import Unit
from luoshi.visits.choices import VisitState
from luoshi.visits.models import Visit


class VisitFilterSet(RefusedFiltersMixin, django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))
    unit = IdChoiceFilter(queryset=Unit.objects.all(), method="filter_subtree", label=_("单位（含下级）"))
    # ``from`` and ``to`` are Python keywords: declared through the class namespace
    locals()["from"] = DayFilter(field_name="date", lookup_expr="gte", label=_("起始日期"))
    locals()["to"] = DayFilter(field_name="date", lookup_expr="lte", label=_("截止日期"))
    organiser_key = django_filters.CharFilter(field_name="organiser_key", max_length=40, label=_("走访方标识"))
    organiser = django_filters.CharFilter(
        field_name="organiser", lookup_expr="icontains", max_length=100, label=_("走访方")
    )
    state = django_filters.ChoiceFilter(choices=VisitState.choices, label=_("状态"), empty_label=_("全部"))

    class Meta:
        model = Visit
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)
        if self.user is not None:
            self.filters["unit"].queryset = Unit.objects.visible_to(self.user, Perm.VIEW)

    def filter_subtree(self, queryset: QuerySet[Visit], name: str, value: Any) -> QuerySet[Visit]:
        return queryset.filter(subtree_q(value.path)) if value else queryset
