"""One FilterSet for the member register (the list page, the export, the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.core.filters import IdChoiceFilter, RefusedFiltersMixin
from luoshi.core.paths import subtree_q
from luoshi.members.choices import MemberKind
from luoshi.members.models import Member
from luoshi.orgs.models import Unit

ACTIVE_CHOICES = (("1", _("在册")), ("0", _("已离册")), ("all", _("全部")))


class MemberFilterSet(RefusedFiltersMixin, django_filters.FilterSet):
    unit = IdChoiceFilter(queryset=Unit.objects.all(), method="filter_subtree", label=_("单位（含下级）"))
    kind = django_filters.ChoiceFilter(choices=MemberKind.choices, label=_("类别"), empty_label=_("全部"))
    q = django_filters.CharFilter(method="filter_text", label=_("姓名、编号或职务"))
    status = django_filters.ChoiceFilter(
        choices=ACTIVE_CHOICES, method="filter_status", label=_("在册状态"), empty_label=_("在册")
    )

    class Meta:
        model = Member
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)
        if self.user is not None:
            self.filters["unit"].queryset = Unit.objects.visible_to(self.user, Perm.VIEW)

    @property
    def qs(self) -> QuerySet[Member]:
        queryset = super().qs
        if not (self.form.is_bound and self.form.is_valid() and self.form.cleaned_data.get("status")):
            queryset = queryset.filter(active=True)
        return queryset

    def filter_subtree(self, queryset: QuerySet[Member], name: str, value: Any) -> QuerySet[Member]:
        return queryset.filter(subtree_q(value.path)) if value else queryset

    def filter_text(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        text = value.strip()[:60]
        if not text:
            return queryset
        return queryset.filter(Q(number=text) | Q(name__contains=text) | Q(position__contains=text))

    def filter_status(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        if value == "0":
            return queryset.filter(active=False)
        if value == "1":
            return queryset.filter(active=True)
        return queryset
