"""One FilterSet for the submission lists (我的报送, the to-do items, the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.collection.choices import UNFILED_STATES, State
from luoshi.collection.models import CollectionRound, Submission
from luoshi.core.filters import IdChoiceFilter, IdFilter, RefusedFiltersMixin
from luoshi.core.paths import subtree_q
from luoshi.orgs.models import Unit

TODO_CHOICES = (
    ("to_fill", _("待填报")),
    ("returned", _("被退回")),
    ("to_review", _("待审核")),
)


class SubmissionFilterSet(RefusedFiltersMixin, django_filters.FilterSet):
    round = IdChoiceFilter(queryset=CollectionRound.objects.all(), label=_("报送轮次"))
    campaign = IdFilter(field_name="round__template__campaign_id", label=_("活动"))
    state = django_filters.MultipleChoiceFilter(choices=State.choices, label=_("状态"))
    unit = IdChoiceFilter(queryset=Unit.objects.all(), method="filter_subtree", label=_("单位（含下级）"))
    late = django_filters.BooleanFilter(field_name="late", label=_("逾期报送"))
    todo = django_filters.ChoiceFilter(
        choices=TODO_CHOICES, method="filter_todo", label=_("待办"), empty_label=_("全部")
    )

    class Meta:
        model = Submission
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)
        if self.user is not None:
            self.filters["round"].queryset = CollectionRound.objects.visible_to(self.user, Perm.VIEW)
            self.filters["unit"].queryset = Unit.objects.visible_to(self.user, Perm.VIEW)

    def filter_subtree(self, queryset: QuerySet[Submission], name: str, value: Any) -> QuerySet[Submission]:
        return queryset.filter(subtree_q(value.path)) if value else queryset

    def filter_todo(self, queryset: QuerySet[Submission], name: str, value: str) -> QuerySet[Submission]:
        """The home page's to-do items (我的待办), each one list."""
        if value == "to_fill":
            return queryset.filter(scope.visible_q(self.user, Perm.SUBMIT_COLLECTION), state__in=UNFILED_STATES)
        if value == "returned":
            return queryset.filter(scope.visible_q(self.user, Perm.SUBMIT_COLLECTION), state=State.RETURNED)
        if value == "to_review":
            managed = scope.visible_q(self.user, Perm.MANAGE_COLLECTION, "round__org_path")
            return queryset.filter(managed, state=State.SUBMITTED)
        return queryset
