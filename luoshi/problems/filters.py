"""One FilterSet for the problem list page, its Excel export and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.campaigns import queries as campaign_queries
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.core.filters import DayFilter, IdChoiceFilter, RefusedFiltersMixin
from luoshi.core.paths import subtree_q
from luoshi.orgs.models import Unit
from luoshi.problems import queries
from luoshi.problems.choices import Kind, Light, RequestState, Severity, State
from luoshi.problems.models import ClosureRequest, ExtensionRequest, Problem, ProblemClass

TODO_CHOICES = (
    ("to_claim", _("待我认领")),
    ("sent_back", _("被退回")),
    ("extension", _("待审批延期")),
    ("overdue", _("逾期未销号")),
)


class ProblemFilterSet(RefusedFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("关键词"))
    campaign = IdChoiceFilter(queryset=Campaign.objects.all(), label=_("活动"))
    state = django_filters.MultipleChoiceFilter(choices=State.choices, label=_("状态"))
    light = django_filters.MultipleChoiceFilter(choices=Light.choices, label=_("预警"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("整改类型"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("严重程度"))
    aspect = IdChoiceFilter(queryset=Aspect.objects.all(), label=_("方面"))
    channel = IdChoiceFilter(queryset=Channel.objects.all(), label=_("来源"))
    unit = IdChoiceFilter(queryset=Unit.objects.all(), method="filter_subtree", label=_("单位（含下级）"))
    leader = IdChoiceFilter(
        field_name="responsible_leader", queryset=get_user_model().objects.all(), label=_("责任领导")
    )
    problem_class = IdChoiceFilter(queryset=ProblemClass.objects.all(), label=_("类别"))
    deadline_before = DayFilter(field_name="deadline", lookup_expr="lte", label=_("时限不晚于"))
    deadline_after = DayFilter(field_name="deadline", lookup_expr="gte", label=_("时限不早于"))
    todo = django_filters.ChoiceFilter(
        choices=TODO_CHOICES, method="filter_todo", label=_("待办"), empty_label=_("全部")
    )

    class Meta:
        model = Problem
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = user if user is not None else getattr(self.request, "user", None)
        self.user = user
        if user is not None:
            self.limit_choices(user)

    def limit_choices(self, user: Any) -> None:
        """Only what ``user`` sees is a valid choice, so an id outside the scope is refused like a missing one."""
        self.filters["campaign"].queryset = queries.campaign_choices(user)
        self.filters["aspect"].queryset = campaign_queries.visible_aspects(user)
        self.filters["channel"].queryset = campaign_queries.visible_channels(user)
        self.filters["unit"].queryset = Unit.objects.visible_to(user, Perm.VIEW)
        self.filters["leader"].queryset = queries.leader_candidates(user)
        self.filters["problem_class"].queryset = queries.visible_classes(user)

    def filter_text(self, queryset: QuerySet[Problem], name: str, value: str) -> QuerySet[Problem]:
        """Substring search works for Chinese without segmentation; every word must match."""
        for word in value.split()[:5]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_subtree(self, queryset: QuerySet[Problem], name: str, value: Any) -> QuerySet[Problem]:
        return queryset.filter(subtree_q(value.path)) if value else queryset

    def filter_todo(self, queryset: QuerySet[Problem], name: str, value: str) -> QuerySet[Problem]:
        """The home page's to-do items (我的待办), each one list."""
        if value == "to_claim":
            mine = Q(responsible_leader__isnull=True) | Q(responsible_leader=getattr(self.user, "pk", None))
            return queryset.filter(mine, state=State.PENDING_CLAIM)
        if value == "sent_back":
            rejected = ClosureRequest.objects.filter(problem=OuterRef("pk"), state=RequestState.REJECTED)
            return queryset.filter(Exists(rejected), state=State.RECTIFYING)
        if value == "extension":
            pending = ExtensionRequest.objects.filter(problem=OuterRef("pk"), state=RequestState.PENDING)
            return queryset.filter(Exists(pending))
        if value == "overdue":
            return queryset.filter(queries.overdue_q(timezone.localdate()))
        return queryset
