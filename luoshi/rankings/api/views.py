"""The ranking REST API: published rankings (with rows, hash, changes and flags) and schemes, read only and
scoped (out of scope is 404; a bad id or filter is 400)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from luoshi.access.api import ScopedViewSetMixin
from luoshi.rankings.api import serializers as s
from luoshi.rankings.filters import RankingFilterSet, SchemeFilterSet
from luoshi.rankings.models import Ranking, RankingScheme


@extend_schema_view(
    list=extend_schema(summary=_("已发布的晾晒排名"), description=_("可按活动、方案、期次筛选。")),
    retrieve=extend_schema(summary=_("一期晾晒排名")),
)
class RankingViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published rankings whose root lies within the caller's scope, or that rank a unit within it."""

    queryset = Ranking.objects.select_related("scheme", "correction").order_by("-period_start", "-id")
    serializer_class = s.RankingSerializer
    filterset_class = RankingFilterSet


@extend_schema_view(
    list=extend_schema(summary=_("排名方案"), description=_("可按活动筛选。")),
    retrieve=extend_schema(summary=_("排名方案详情")),
)
class SchemeViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Ranking schemes whose root lies within the caller's scope or above a unit of it."""

    queryset = RankingScheme.objects.select_related("unit", "kind").order_by("id")
    serializer_class = s.SchemeSerializer
    filterset_class = SchemeFilterSet
