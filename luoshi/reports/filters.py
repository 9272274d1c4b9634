"""One FilterSet for the report list page and the API; figures are filtered by plain ids."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.queries import visible_campaigns
from luoshi.core.filters import IdChoiceFilter, IdFilter, RefusedFiltersMixin
from luoshi.core.paths import subtree_q
from luoshi.core.widgets import AllYesNoSelect
from luoshi.orgs.models import Unit
from luoshi.reports.choices import ReportKind, ReportStatus
from luoshi.reports.models import Figure, Report


class ReportFilterSet(RefusedFiltersMixin, django_filters.FilterSet):
    campaign = IdChoiceFilter(queryset=Campaign.objects.all(), label=_("活动"))
    unit = IdChoiceFilter(queryset=Unit.objects.all(), method="filter_subtree", label=_("单位（含下级）"))
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("处理状态"), empty_label=_("全部"))
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices, label=_("类型"), empty_label=_("全部"))

    class Meta:
        model = Report
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = user if user is not None else getattr(self.request, "user", None)
        if user is not None:
            self.filters["campaign"].queryset = visible_campaigns(user)
            self.filters["unit"].queryset = Unit.objects.visible_to(user, Perm.VIEW)

    def filter_subtree(self, queryset: QuerySet[Report], name: str, value: Any) -> QuerySet[Report]:
        return queryset.filter(subtree_q(value.path)) if value else queryset


class FigureFilterSet(django_filters.FilterSet):
    report = IdFilter(field_name="report_id", label=_("报告"))
    campaign = IdFilter(field_name="report__campaign_id", label=_("活动"))
    excluded = django_filters.BooleanFilter(label=_("不是数字"), widget=AllYesNoSelect)

    class Meta:
        model = Figure
        fields: list[str] = []
