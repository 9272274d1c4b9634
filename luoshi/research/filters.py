"""One FilterSet for the research plan lists (the list page, 我的调研, the export, the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.core.filters import IdChoiceFilter, IdFilter, RefusedFiltersMixin
from luoshi.core.paths import subtree_q
from luoshi.orgs.models import Unit
from luoshi.research.choices import PlanState
from luoshi.research.models import ResearchPlan

TODO_CHOICES = (
    ("to_review", _("待审核")),
    ("returned", _("被退回")),
    ("to_carry_out", _("待开展或调研中")),
    ("to_convert", _("待转化成果")),
)


class PlanFilterSet(RefusedFiltersMixin, django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))
    direction = IdFilter(field_name="topic__direction_id", label=_("调研方向"))
    topic = IdFilter(field_name="topic_id", label=_("调研课题"))
    state = django_filters.MultipleChoiceFilter(choices=PlanState.choices, label=_("状态"))
    unit = IdChoiceFilter(queryset=Unit.objects.all(), method="filter_subtree", label=_("单位（含下级）"))
    counter_example = django_filters.BooleanFilter(field_name="topic__is_counter_example", label=_("反面案例"))
    q = django_filters.CharFilter(method="filter_text", label=_("关键词"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("我的调研"))
    todo = django_filters.ChoiceFilter(
        choices=TODO_CHOICES, method="filter_todo", label=_("待办"), empty_label=_("全部")
    )

    class Meta:
        model = ResearchPlan
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)
        if self.user is not None:
            self.filters["unit"].queryset = Unit.objects.visible_to(self.user, Perm.VIEW)

    def filter_subtree(self, queryset: QuerySet[ResearchPlan], name: str, value: Any) -> QuerySet[ResearchPlan]:
        return queryset.filter(subtree_q(value.path)) if value else queryset

    def filter_text(self, queryset: QuerySet[ResearchPlan], name: str, value: str) -> QuerySet[ResearchPlan]:
        text = value.strip()[:100]
        return queryset.filter(Q(title__contains=text) | Q(topic__title__contains=text)) if text else queryset

    def filter_mine(self, queryset: QuerySet[ResearchPlan], name: str, value: bool | None) -> QuerySet[ResearchPlan]:
        """我的调研: plans the user leads or made, and those of the units they plan research for."""
        if not value or self.user is None:
            return queryset
        own = Q(leader=self.user) | Q(created_by=self.user)
        return queryset.filter(own | scope.visible_q(self.user, Perm.PLAN_RESEARCH))

    def filter_todo(self, queryset: QuerySet[ResearchPlan], name: str, value: str) -> QuerySet[ResearchPlan]:
        """The home page's to-do items (我的待办), each one list."""
        if self.user is None or not value:
            return queryset
        if value == "to_review":
            return queryset.filter(scope.visible_q(self.user, Perm.MANAGE_RESEARCH), state=PlanState.SUBMITTED)
        if value == "to_convert":
            return queryset.filter(scope.visible_q(self.user, Perm.MANAGE_RESEARCH), state=PlanState.REPORTED)
        planned = scope.visible_q(self.user, Perm.PLAN_RESEARCH)
        if value == "returned":
            return queryset.filter(planned, state=PlanState.RETURNED)
        return queryset.filter(planned, state__in=(PlanState.APPROVED, PlanState.FIELDWORK))
