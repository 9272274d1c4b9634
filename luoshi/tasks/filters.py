"""One FilterSet for the assignment boards (pages, Excel export, API), and one for the task API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign
from luoshi.core.filters import IdChoiceFilter, IdFilter, RefusedFiltersMixin
from luoshi.core.paths import subtree_q
from luoshi.orgs.models import Unit
from luoshi.tasks import queries
from luoshi.tasks.choices import AssignRole, State
from luoshi.tasks.models import FinishRequest, Task, TaskAssignment, TaskExtension
from luoshi.tracking.choices import Light, RequestState

TODO_CHOICES = (
    ("to_sign", _("待签收")),
    ("to_report", _("本轮待报送")),
    ("sent_back", _("被退回")),
    ("to_accept", _("待验收办结")),
    ("extension", _("待审批延期")),
    ("overdue", _("逾期未办结")),
)


class AssignmentFilterSet(RefusedFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("关键词"))
    campaign = IdChoiceFilter(field_name="task__campaign", queryset=Campaign.objects.all(), label=_("活动"))
    task = IdChoiceFilter(queryset=Task.objects.all(), label=_("重点任务"))
    state = django_filters.MultipleChoiceFilter(choices=State.choices, label=_("状态"))
    light = django_filters.MultipleChoiceFilter(choices=Light.choices, label=_("预警"))
    role = django_filters.ChoiceFilter(choices=AssignRole.choices, label=_("职责"), empty_label=_("全部"))
    unit = IdChoiceFilter(queryset=Unit.objects.all(), method="filter_subtree", label=_("单位（含下级）"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("逾期"))
    todo = django_filters.ChoiceFilter(
        choices=TODO_CHOICES, method="filter_todo", label=_("待办"), empty_label=_("全部")
    )

    class Meta:
        model = TaskAssignment
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)
        if self.user is not None:
            self.filters["campaign"].queryset = queries.campaign_choices(self.user)
            self.filters["task"].queryset = Task.objects.visible_to(self.user, Perm.VIEW)
            self.filters["unit"].queryset = Unit.objects.visible_to(self.user, Perm.VIEW)

    def filter_text(self, queryset: QuerySet[TaskAssignment], name: str, value: str) -> QuerySet[TaskAssignment]:
        for word in value.split()[:5]:
            queryset = queryset.filter(Q(task__title__icontains=word) | Q(unit__name__icontains=word))
        return queryset

    def filter_subtree(self, queryset: QuerySet[TaskAssignment], name: str, value: Any) -> QuerySet[TaskAssignment]:
        return queryset.filter(subtree_q(value.path)) if value else queryset

    def filter_overdue(self, queryset: QuerySet[TaskAssignment], name: str, value: Any) -> QuerySet[TaskAssignment]:
        if value is None:
            return queryset
        late = queries.overdue_q(timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

    def _managed(self) -> Q:
        return scope.visible_q(self.user, Perm.MANAGE_TASKS, "task__org_path")

    def filter_todo(self, queryset: QuerySet[TaskAssignment], name: str, value: str) -> QuerySet[TaskAssignment]:
        """The home page's to-do items (我的待办), each one list."""
        today = timezone.localdate()
        if value == "to_sign":
            return queryset.filter(state=State.PENDING_SIGN)
        if value == "to_report":
            return queryset.filter(queries.to_report_q(today))
        if value == "sent_back":
            rejected = FinishRequest.objects.filter(assignment=OuterRef("pk"), state=RequestState.REJECTED)
            return queryset.filter(Exists(rejected), state=State.IN_PROGRESS)
        if value == "to_accept":
            return queryset.filter(self._managed(), state=State.FINISH_REQUESTED)
        if value == "extension":
            pending = TaskExtension.objects.filter(assignment=OuterRef("pk"), state=RequestState.PENDING)
            return queryset.filter(self._managed(), Exists(pending))
        if value == "overdue":
            return queryset.filter(queries.overdue_q(today))
        return queryset


class TaskFilterSet(django_filters.FilterSet):
    """Tasks by campaign and by parent (plain ids: an id outside the caller's scope finds nothing)."""

    campaign = IdFilter(field_name="campaign_id", label=_("活动"))
    parent = IdFilter(field_name="parent_id", label=_("上级任务"))
    top = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label=_("只看一级任务"))

    class Meta:
        model = Task
        fields: list[str] = []
