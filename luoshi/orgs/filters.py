"""One FilterSet for units, shared by the tree page's search and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.core.filters import IdFilter, RefusedFiltersMixin
from luoshi.core.paths import subtree_q
from luoshi.orgs.models import Unit


class UnitFilterSet(RefusedFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("名称包含"))
    kind = django_filters.CharFilter(field_name="kind__code", label=_("单位类型代码"))
    parent = IdFilter(field_name="parent_id", label=_("上级单位 ID（直接下级）"))
    within = IdFilter(method="filter_within", label=_("单位 ID（该单位及其全部下级）"))

    class Meta:
        model = Unit
        fields: list[str] = []

    def filter_within(self, queryset: QuerySet[Unit], name: str, value: Any) -> QuerySet[Unit]:
        """A unit the user cannot see gives no rows, exactly like a unit that does not exist."""
        user = getattr(self.request, "user", None)
        root = Unit.objects.visible_to(user, Perm.VIEW).filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(subtree_q(root, "path")) if root else queryset.none()
