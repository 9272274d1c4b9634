"""One FilterSet for the demand list page, its Excel export and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.core.paths import subtree_q
from luoshi.demands.choices import DemandKind, DemandState
from luoshi.demands.models import Category, Company, Demand, DemandChannel, DemandExtension, Project
from luoshi.orgs.models import Unit

OPEN_STATES = (DemandState.RECEIVED, DemandState.DISPATCHED, DemandState.SIGNED, DemandState.RESPONDED)


def late_q(now: Any) -> Q:
    """Late (超时): resolved after its deadline, or still open past one of its deadlines."""
    open_late = (
        Q(state=DemandState.DISPATCHED, sign_due__lt=now)
        | Q(responded_at__isnull=True, respond_due__lt=now, state__in=OPEN_STATES)
        | Q(state__in=OPEN_STATES, resolve_due__lt=now)
    )
    return open_late | Q(finished_on_time=False) | Q(responded_on_time=False)


class DemandFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("关键词"))
    state = django_filters.MultipleChoiceFilter(choices=DemandState.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=DemandKind.choices, label=_("类型"))
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), method="filter_category", label=_("分类（含下级）")
    )
    channel = django_filters.ModelChoiceFilter(queryset=DemandChannel.objects.all(), label=_("渠道"))
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), method="filter_subtree", label=_("单位（含下级）")
    )
    company = django_filters.ModelChoiceFilter(queryset=Company.objects.all(), label=_("涉及企业"))
    project = django_filters.ModelChoiceFilter(queryset=Project.objects.all(), label=_("涉及项目"))
    late = django_filters.BooleanFilter(method="filter_late", label=_("超时"))
    escalated = django_filters.BooleanFilter(label=_("督办"))
    received_after = django_filters.DateFilter(field_name="received_at", lookup_expr="date__gte", label=_("受理不早于"))
    received_before = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("受理不晚于")
    )

    class Meta:
        model = Demand
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = user if user is not None else getattr(self.request, "user", None)
        if user is not None:
            self.limit_choices(user)

    def limit_choices(self, user: Any) -> None:
        """Units, companies and projects outside the user's scope are refused like missing ones."""
        self.filters["unit"].queryset = Unit.objects.visible_to(user, Perm.VIEW_DEMANDS)
        self.filters["company"].queryset = Company.objects.visible_to(user, Perm.VIEW_DEMANDS)
        self.filters["project"].queryset = Project.objects.visible_to(user, Perm.VIEW_DEMANDS)

    def filter_text(self, queryset: QuerySet[Demand], name: str, value: str) -> QuerySet[Demand]:
        """Every word must match the number, title, content or address (substring search works for Chinese)."""
        for word in value.split()[:5]:
            queryset = queryset.filter(
                Q(number__icontains=word)
                | Q(title__icontains=word)
                | Q(content__icontains=word)
                | Q(address__icontains=word)
            )
        return queryset

    def filter_subtree(self, queryset: QuerySet[Demand], name: str, value: Any) -> QuerySet[Demand]:
        return queryset.filter(subtree_q(value.path)) if value else queryset

    def filter_category(self, queryset: QuerySet[Demand], name: str, value: Any) -> QuerySet[Demand]:
        if not value:
            return queryset
        return queryset.filter(Q(category=value) | Q(category__parent=value) | Q(category__parent__parent=value))

    def filter_late(self, queryset: QuerySet[Demand], name: str, value: bool | None) -> QuerySet[Demand]:
        if value is None:
            return queryset
        condition = late_q(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class DemandExtensionFilterSet(django_filters.FilterSet):
    """By plain demand id, so an id outside the caller's scope gives an empty list, as a missing one does."""

    demand = django_filters.NumberFilter(field_name="demand_id", label=_("工单"))
    state = django_filters.CharFilter(label=_("状态"))

    class Meta:
        model = DemandExtension
        fields: list[str] = []
