from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from luoshi.access.api import ScopedViewSetMixin
from luoshi.orgs.api.serializers import UnitSerializer
from luoshi.orgs.filters import UnitFilterSet
from luoshi.orgs.models import Unit


@extend_schema_view(
    list=extend_schema(
        summary=_("单位列表"),
        description=_("当前用户可查看范围内的单位，按组织路径排序；within 取某单位及其全部下级，parent 取直接下级。"),
    ),
    retrieve=extend_schema(summary=_("单位详情"), description=_("范围以外的单位与不存在的单位一样返回 404。")),
)
class UnitViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet[Unit]):
    """Units of the org tree (组织架构), read-only and limited to the caller's scope."""

    queryset = Unit.objects.select_related("kind", "parent").order_by("path")
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
