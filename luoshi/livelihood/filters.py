"""One FilterSet for the project list page, its Excel export and the API; one for the proposal list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign
from luoshi.core.filters import IdChoiceFilter, RefusedFiltersMixin
from luoshi.core.paths import subtree_q
from luoshi.livelihood import queries
from luoshi.livelihood.choices import Category, ProjectState, ProposalSource, ProposalState
from luoshi.livelihood.models import LivelihoodProject, ProjectProposal
from luoshi.orgs.models import Unit
from luoshi.tracking.choices import Light


def _words(queryset: QuerySet[Any], value: str, fields: tuple[str, ...]) -> QuerySet[Any]:
    for word in value.split()[:5]:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


class ScopedChoicesMixin:
    """Only what the user sees is a valid choice: an id outside the scope is refused like a missing one."""

    filters: dict[str, Any]
    request: Any

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # the FilterSet after this mixin in the MRO
        user = user if user is not None else getattr(self.request, "user", None)
        if user is not None:
            self.limit_to(user)

    def limit_to(self, user: Any) -> None:
        self.filters["campaign"].queryset = queries.campaign_choices(user)
        if "unit" in self.filters:
            self.filters["unit"].queryset = Unit.objects.visible_to(user, Perm.VIEW)


class ProjectFilterSet(ScopedChoicesMixin, RefusedFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("关键词"))
    campaign = IdChoiceFilter(queryset=Campaign.objects.all(), label=_("活动"))
    state = django_filters.MultipleChoiceFilter(choices=ProjectState.choices, label=_("状态"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("类别"))
    light = django_filters.MultipleChoiceFilter(choices=Light.choices, label=_("预警"))
    unit = IdChoiceFilter(queryset=Unit.objects.all(), method="filter_subtree", label=_("牵头单位（含下级）"))

    class Meta:
        model = LivelihoodProject
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _words(queryset, value, ("title", "description", "leader_name"))

    def filter_subtree(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(subtree_q(value.path)) if value else queryset


class ProposalFilterSet(ScopedChoicesMixin, RefusedFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("关键词"))
    campaign = IdChoiceFilter(queryset=Campaign.objects.all(), label=_("活动"))
    state = django_filters.MultipleChoiceFilter(choices=ProposalState.choices, label=_("状态"))
    source = django_filters.ChoiceFilter(choices=ProposalSource.choices, label=_("来源"))

    class Meta:
        model = ProjectProposal
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _words(queryset, value, ("title", "description"))
