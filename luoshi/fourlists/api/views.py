"""The four lists' REST API: the plain items (``/api/v1/list-items/``) and each unit's assembled lists
(``/api/v1/four-lists/?campaign=&unit=``, read only). Querysets go through the scope layer (out of scope is 404),
writes through ``luoshi.fourlists.services`` (lacking the permission is 403, a broken rule 400)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.access.api import HoldsViewPerm, ScopedViewSetMixin
from luoshi.accounts.acting import actor
from luoshi.core.filters import IdFilter
from luoshi.fourlists import queries, services
from luoshi.fourlists.api import serializers as s
from luoshi.fourlists.choices import ListKind
from luoshi.fourlists.models import ListItem
from luoshi.fourlists.views import chosen
from luoshi.problems.models import Measure
from luoshi.tasks.models import Task
from luoshi.tracking.api import read_input

API_LIMIT = 1000

MARK, MARKED = s.InnovationMarkInput, s.InnovationMarkSerializer


class ListItemFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))
    unit = IdFilter(field_name="unit_id", label=_("单位"))
    kind = django_filters.ChoiceFilter(field_name="kind", choices=ListKind.choices, label=_("清单"))

    class Meta:
        model = ListItem
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary=_("清单事项列表"), description=_("学习清单、创新举措清单中手工填写的事项。")),
    retrieve=extend_schema(summary=_("清单事项详情")),
)
class ListItemViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Plain items of the four lists (清单事项)."""

    queryset = ListItem.objects.select_related("unit").order_by("id")
    serializer_class = s.ListItemSerializer
    filterset_class = ListItemFilterSet

    @extend_schema(summary=_("添加清单事项"), request=s.ListItemCreateInput, responses={201: s.ListItemSerializer})
    def create(self, request: Request) -> Response:
        item = services.add_item(actor(request), **read_input(s.ListItemCreateInput, request))
        return Response(s.ListItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("修改清单事项"), request=s.ListItemEditInput, responses={200: s.ListItemSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        changes = read_input(s.ListItemEditInput, request)
        return Response(s.ListItemSerializer(services.edit_item(actor(request), item, **changes)).data)

    @extend_schema(summary=_("修改清单事项"), request=s.ListItemEditInput, responses={200: s.ListItemSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, **kwargs)

    @extend_schema(summary=_("删除清单事项"), responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.delete_item(actor(request), self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class FourListsViewSet(viewsets.ViewSet):
    """A unit's four lists in a campaign, assembled (read only)."""

    permission_classes = [HoldsViewPerm]

    @extend_schema(
        summary=_("四张清单"),
        description=_(
            "某单位在某活动中的四张清单：各清单数量（counts）与事项（results，每张清单至多 1000 项，"
            "id 按 type 区分对象类型）。问题清单含本单位及下级单位的问题。不指定时为第一个活动和本人所在的最高单位。"
        ),
        parameters=[
            OpenApiParameter("campaign", OpenApiTypes.INT, description=str(_("活动"))),
            OpenApiParameter("unit", OpenApiTypes.INT, description=str(_("单位"))),
        ],
        responses={200: s.FourListsSerializer},
    )
    def list(self, request: Request) -> Response:
        user = actor(request)
        try:
            _campaigns, campaign, unit = chosen(request._request, user)
        except BadRequest as exc:
            raise serializers.ValidationError({"detail": [str(exc)]}) from exc
        lists = queries.assemble(user, campaign, unit, limit=API_LIMIT)
        return Response(s.FourListsSerializer(lists).data)


@extend_schema_view(retrieve=extend_schema(summary=_("重点任务的创新举措标记"), responses={200: MARKED}))
class InnovationTaskViewSet(ScopedViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Whether a key task is an innovation measure (创新举措), and marking it (who deploys the task)."""

    queryset = Task.objects.order_by("id")
    serializer_class = MARKED

    @extend_schema(summary=_("标记或取消创新举措（重点任务）"), request=MARK, responses={200: MARKED})
    @action(detail=True, methods=["post"])
    def mark(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        flag = read_input(MARK, request)["innovation"]
        return Response(MARKED(services.mark_task(actor(request), task, flag)).data)


@extend_schema_view(retrieve=extend_schema(summary=_("整改措施的创新举措标记"), responses={200: MARKED}))
class InnovationMeasureViewSet(ScopedViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Whether a rectification measure is an innovation measure (创新举措), and marking it (who sets measures)."""

    queryset = Measure.objects.order_by("id")
    serializer_class = MARKED

    @extend_schema(summary=_("标记或取消创新举措（整改措施）"), request=MARK, responses={200: MARKED})
    @action(detail=True, methods=["post"])
    def mark(self, request: Request, pk: str | None = None) -> Response:
        measure = self.get_object()
        flag = read_input(MARK, request)["innovation"]
        return Response(MARKED(services.mark_measure(actor(request), measure, flag)).data)
