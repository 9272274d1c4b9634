"""The lecture API. Querysets go through the scope layer (out of scope is 404); every write goes through
``luoshi.lectures.services`` (lacking the permission is 403, a broken rule 400, a stale ``version`` 409). Order
transitions share one endpoint, ``POST …/{id}/actions/{name}/``; a dispatch into a half-day the speaker is already
booked for answers 409 with ``{"code": "speaker_booked", …}``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.accounts.acting import actor
from luoshi.core.api import IdLookupMixin
from luoshi.core.errors import NotAllowed
from luoshi.core.filters import IdFilter
from luoshi.lectures import queries, services
from luoshi.lectures.api import serializers as s
from luoshi.lectures.filters import OrderFilterSet
from luoshi.lectures.models import LectureItem
from luoshi.tracking.api import ApiAction, read_input, run_action

ERRORS: dict[int, OpenApiResponse] = {
    code: OpenApiResponse(OpenApiTypes.OBJECT, description=text)
    for code, text in (
        (400, _("输入有误或违反业务规则")),
        (403, _("可以查看但无权执行此操作")),
        (404, _("不存在或不在您的范围内")),
        (409, _("对象已被他人修改（version 不符）")),
    )
}


def _answers(body: Any, code: int = 200) -> dict[int, Any]:
    return {code: body, **ERRORS}


class SeesLectures(permissions.BasePermission):
    """Campaign data is for those who view it or speak somewhere: the security admin and the auditor get 403."""

    message = _("您无权查看业务数据。")

    def has_permission(self, request: Request, view: Any) -> bool:
        return queries.may_see_lectures(request.user)


class LectureItemFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))
    category = IdFilter(field_name="category_id", label=_("类别"))
    active = django_filters.BooleanFilter(field_name="active", label=_("上架"))

    class Meta:
        model = LectureItem
        fields: list[str] = []


def _item_data(campaign: Any, data: dict[str, Any]) -> dict[str, Any]:
    number = data.pop("speaker_number")
    return {**data, "speaker": services.speaker_for(campaign, number)}


@extend_schema_view(
    list=extend_schema(
        summary=_("宣讲菜单列表"), description=_("可按活动、类别、是否上架筛选；每项带点单与评价数字。")
    ),
    retrieve=extend_schema(summary=_("宣讲菜单项详情"), responses=_answers(s.LectureItemSerializer)),
)
class LectureItemViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Items of the lecture menus (宣讲菜单) of the campaigns the user takes part in."""

    serializer_class = s.LectureItemSerializer
    filterset_class = LectureItemFilterSet

    def get_permissions(self) -> list[permissions.BasePermission]:
        return [*super().get_permissions(), SeesLectures()]  # type: ignore[list-item]

    def get_queryset(self) -> Any:
        return queries.items_for(self.request.user).order_by("campaign_id", "category__order", "category_id", "id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        context = {**self.get_serializer_context(), "figures": queries.figures([r.pk for r in rows])}
        data = s.LectureItemSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        summary=_("新增宣讲菜单项"), request=s.LectureItemFields, responses=_answers(s.LectureItemSerializer, 201)
    )
    def create(self, request: Request) -> Response:
        data = read_input(s.LectureItemFields, request)
        campaign = data["category"].campaign
        if not services.manages(request.user, campaign):
            raise NotAllowed(gettext("您无权设置该活动的宣讲菜单。"))
        item = services.create_item(actor(request), campaign=campaign, **_item_data(campaign, data))
        return Response(s.LectureItemSerializer(item, context=self.get_serializer_context()).data, status=201)

    @extend_schema(
        summary=_("修改宣讲菜单项"), request=s.LectureItemFields, responses=_answers(s.LectureItemSerializer)
    )
    def update(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        if not services.manages(request.user, item.campaign):
            raise NotAllowed(gettext("您无权修改该宣讲菜单项。"))
        data = read_input(s.LectureItemFields, request)
        changed = services.update_item(actor(request), item, **_item_data(item.campaign, data))
        return Response(s.LectureItemSerializer(changed, context=self.get_serializer_context()).data)


ACTIONS: dict[str, ApiAction] = {
    "dispatch": ApiAction(s.LectureDispatchInput, lambda u, i, d: services.dispatch_order(u, i, **d)),
    "accept": ApiAction(s.LectureVersionInput, lambda u, i, d: services.accept_order(u, i, **d)),
    "decline": ApiAction(s.LectureDeclineInput, lambda u, i, d: services.decline_order(u, i, **d)),
    "hold": ApiAction(s.LectureHeldInput, lambda u, i, d: services.hold_order(u, i, **d)),
    "record": ApiAction(s.LectureHeldInput, lambda u, i, d: services.record_held(u, i, **d)),
    "rate": ApiAction(s.LectureRateInput, lambda u, i, d: services.rate_order(u, i, **d)),
    "cancel": ApiAction(s.LectureCancelInput, lambda u, i, d: services.cancel_order(u, i, **d)),
}
DESCRIPTION = _(
    "name 为 dispatch（派单：date、half，默认为期望的日期和时段；宣讲人该时段已有安排时返回 409，"
    "code 为 speaker_booked）、accept（接单，宣讲人本人）、decline（退回，reason）、hold（宣讲人登记已宣讲，"
    "listeners 必填）、record（办公室代为登记，listeners 必填）、rate（评单：rating 1–5、comment）、"
    "cancel（取消点单，reason 可选）之一；各操作可带 version，与当前版本不符时返回 409。"
    "可执行的操作见 allowed_actions。"
)


@extend_schema_view(
    list=extend_schema(
        summary=_("宣讲点单列表"),
        description=_(
            "当前用户范围内的点单（宣讲人另见自己的宣讲），可按活动、类别、菜单项、宣讲人、状态、点单单位（含下级）、"
            "日期（date_from、date_to）、关键词、mine 筛选。"
        ),
    ),
    retrieve=extend_schema(summary=_("宣讲点单详情"), responses=_answers(s.LectureOrderSerializer)),
)
class LectureOrderViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Lecture orders (宣讲点单): ordered by units, dispatched by the office, accepted and held by the speaker,
    rated by the unit."""

    serializer_class = s.LectureOrderSerializer
    filterset_class = OrderFilterSet

    def get_permissions(self) -> list[permissions.BasePermission]:
        return [*super().get_permissions(), SeesLectures()]  # type: ignore[list-item]

    def get_queryset(self) -> Any:
        return queries.orders_for(self.request.user).order_by("-id")

    def _shown(self, order: Any, code: int = 200) -> Response:
        shown = self.get_queryset().filter(pk=order.pk).first() or order
        return Response(s.LectureOrderSerializer(shown, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary=_("宣讲点单"), request=s.LectureOrderInput, responses=_answers(s.LectureOrderSerializer, 201)
    )
    def create(self, request: Request) -> Response:
        order = services.order_lecture(actor(request), **read_input(s.LectureOrderInput, request))
        return self._shown(order, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("执行操作"),
        description=DESCRIPTION,
        parameters=[OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(ACTIONS))],
        request=s.LectureActionInput,
        responses={**_answers(s.LectureOrderSerializer), 409: s.SpeakerBookedSerializer},
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[^/]+)")
    def actions(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        item = self.get_object()
        try:
            run_action(ACTIONS, name, request, item)
        except services.SpeakerBooked as exc:
            return Response(exc.as_dict(), status=status.HTTP_409_CONFLICT)
        return self._shown(item)
