"""One FilterSet for the demand list page, its Excel export and the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.core.filters import DayFilter, IdChoiceFilter, IdFilter, RefusedFiltersMixin
from luoshi.core.paths import subtree_q
from luoshi.core.widgets import AllYesNoSelect
from luoshi.demands.choices import DemandEventKind, DemandKind, DemandState
from luoshi.demands.models import Category, Company, Demand, DemandChannel, DemandEvent, DemandExtension, Project
from luoshi.orgs.models import Unit

OPEN_STATES = (DemandState.RECEIVED, DemandState.DISPATCHED, DemandState.SIGNED, DemandState.RESPONDED)
DUE_SOON = timedelta(hours=24)
TODO_CHOICES = (
    ("returned", _("被退单")),
    ("extension", _("待审批延期")),
    ("redone", _("重办")),
    ("due_soon", _("即将超时")),
    ("overdue", _("已超时未办结")),
)


def _open_due_q(lookup: str, value: Any) -> Q:
    """Open tickets whose next deadline (sign, contact or resolve) matches ``lookup``."""
    return (
        Q(state=DemandState.DISPATCHED, **{f"sign_due__{lookup}": value})
        | Q(responded_at__isnull=True, state__in=OPEN_STATES, **{f"respond_due__{lookup}": value})
        | Q(state__in=OPEN_STATES, **{f"resolve_due__{lookup}": value})
    )


def late_q(now: Any) -> Q:
    """Late (超时): resolved after its deadline, or still open past one of its deadlines."""
    return _open_due_q("lt", now) | Q(finished_on_time=False) | Q(responded_on_time=False)


def todo_q(value: str, now: Any) -> Q:
    """The home page's to-do items (我的待办) of dispatchers and handlers, each one list."""
    if value == "returned":
        returned = DemandEvent.objects.filter(demand=OuterRef("pk"), kind=DemandEventKind.RETURNED)
        return Q(Exists(returned), state=DemandState.RECEIVED)
    if value == "extension":
        return Q(Exists(DemandExtension.objects.filter(demand=OuterRef("pk"), state="pending")))
    if value == "redone":
        return Q(redo_count__gt=0, state__in=(DemandState.SIGNED, DemandState.RESPONDED))
    if value == "due_soon":
        return _open_due_q("range", (now, now + DUE_SOON)) & ~_open_due_q("lt", now)
    return _open_due_q("lt", now)


class DemandFilterSet(RefusedFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("关键词"))
    state = django_filters.MultipleChoiceFilter(choices=DemandState.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=DemandKind.choices, label=_("类型"), empty_label=_("全部"))
    category = IdChoiceFilter(
        queryset=Category.objects.all(), method="filter_category", label=_("分类（含下级）"), empty_label=_("全部")
    )
    channel = IdChoiceFilter(queryset=DemandChannel.objects.all(), label=_("渠道"), empty_label=_("全部"))
    unit = IdChoiceFilter(queryset=Unit.objects.all(), method="filter_subtree", label=_("单位（含下级）"))
    company = IdChoiceFilter(queryset=Company.objects.all(), label=_("涉及企业"))
    project = IdChoiceFilter(queryset=Project.objects.all(), label=_("涉及项目"))
    todo = django_filters.ChoiceFilter(
        choices=TODO_CHOICES, method="filter_todo", label=_("待办"), empty_label=_("全部")
    )
    late = django_filters.BooleanFilter(method="filter_late", label=_("超时"), widget=AllYesNoSelect)
    escalated = django_filters.BooleanFilter(label=_("督办"), widget=AllYesNoSelect)
    received_after = DayFilter(field_name="received_at", lookup_expr="date__gte", label=_("受理不早于"))
    received_before = DayFilter(field_name="received_at", lookup_expr="date__lte", label=_("受理不晚于"))

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

    def filter_todo(self, queryset: QuerySet[Demand], name: str, value: str) -> QuerySet[Demand]:
        return queryset.filter(todo_q(value, timezone.now())) if value else queryset


class DemandExtensionFilterSet(django_filters.FilterSet):
    """By plain demand id, so an id outside the caller's scope gives an empty list, as a missing one does."""

    demand = IdFilter(field_name="demand_id", label=_("工单"))
    state = django_filters.CharFilter(label=_("状态"))

    class Meta:
        model = DemandExtension
        fields: list[str] = []
