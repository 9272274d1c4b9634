"""The research REST API. Querysets go through the scope layer (out of scope is 404); every write goes through
``luoshi.research.services`` (lacking the permission is 403, a broken rule 400, a stale ``version`` 409). Plan
transitions share one endpoint, ``POST …/{id}/actions/{name}/``; a visit the calendar refuses answers 409 with its
rule hits, to be sent again with ``override_reason``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.access import scope
from luoshi.access.api import ScopedViewSetMixin
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.core.errors import NotAllowed
from luoshi.core.filters import IdFilter
from luoshi.research import queries, services
from luoshi.research.api import serializers as s
from luoshi.research.filters import PlanFilterSet
from luoshi.research.models import ResearchDirection, ResearchPlan, ResearchTopic
from luoshi.tracking.api import ApiAction, read_input, run_action
from luoshi.urging.api.views import UrgeActionMixin
from luoshi.visits.api.serializers import RefusalSerializer, VisitSerializer
from luoshi.visits.api.views import refusal
from luoshi.visits.services import VisitRefused

ERRORS: dict[int, OpenApiResponse] = {
    code: OpenApiResponse(OpenApiTypes.OBJECT, description=text)
    for code, text in (
        (400, _("输入有误或违反业务规则")),
        (403, _("可以查看但无权执行此操作")),
        (404, _("不存在或不在您的范围内")),
        (409, _("对象已被他人修改（version 不符），或走访触发报备规则")),
    )
}


def _answers(body: Any, code: int = 200) -> dict[int, Any]:
    return {code: body, **ERRORS}


class DirectionFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))

    class Meta:
        model = ResearchDirection
        fields: list[str] = []


class TopicFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))
    direction = IdFilter(field_name="direction_id", label=_("调研方向"))
    counter_example = django_filters.BooleanFilter(field_name="is_counter_example", label=_("反面案例"))

    class Meta:
        model = ResearchTopic
        fields: list[str] = []


def _require_manager(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.MANAGE_RESEARCH):
        raise NotAllowed(gettext("您无权设置调研方向和课题。"))


@extend_schema_view(
    list=extend_schema(summary=_("调研方向列表"), description=_("可按活动筛选。")),
    retrieve=extend_schema(summary=_("调研方向详情"), responses=_answers(s.DirectionSerializer)),
)
class DirectionViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Research directions (调研方向) of the campaigns the user takes part in."""

    serializer_class = s.DirectionSerializer
    filterset_class = DirectionFilterSet

    def get_queryset(self) -> Any:
        return queries.directions_for(self.request.user).order_by("campaign_id", "order", "id")

    @extend_schema(summary=_("新增调研方向"), request=s.DirectionInput, responses=_answers(s.DirectionSerializer, 201))
    def create(self, request: Request) -> Response:
        _require_manager(request.user)
        direction = services.create_direction(actor(request), **read_input(s.DirectionInput, request))
        return Response(s.DirectionSerializer(direction).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=_("调研课题列表"), description=_("可按活动、调研方向、是否反面案例筛选。")),
    retrieve=extend_schema(summary=_("调研课题详情"), responses=_answers(s.TopicSerializer)),
)
class TopicViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Research topics (调研课题), counter-examples (反面案例) flagged."""

    serializer_class = s.TopicSerializer
    filterset_class = TopicFilterSet

    def get_queryset(self) -> Any:
        return queries.topics_for(self.request.user).order_by("campaign_id", "direction_id", "id")

    @extend_schema(summary=_("新增调研课题"), request=s.TopicInput, responses=_answers(s.TopicSerializer, 201))
    def create(self, request: Request) -> Response:
        _require_manager(request.user)
        topic = services.create_topic(actor(request), **read_input(s.TopicInput, request))
        return Response(s.TopicSerializer(topic).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("修改调研课题"), request=s.TopicFields, responses=_answers(s.TopicSerializer))
    def update(self, request: Request, pk: str | None = None) -> Response:
        topic = self.get_object()
        if not queries.manages(request.user, topic.campaign):
            raise NotAllowed(gettext("您无权修改该调研课题。"))
        data = read_input(s.TopicFields, request)
        data.setdefault("direction", None)
        return Response(s.TopicSerializer(services.update_topic(actor(request), topic, **data)).data)


def _visit(user: Any, item: ResearchPlan, data: dict[str, Any]) -> Any:
    return services.file_plan_visit(user, item, **data)


ACTIONS: dict[str, ApiAction] = {
    "submit": ApiAction(s.VersionInput, lambda u, i, d: services.submit_plan(u, i, **d)),
    "return": ApiAction(s.CommentsInput, lambda u, i, d: services.return_plan(u, i, **d)),
    "approve": ApiAction(s.ApproveInput, lambda u, i, d: services.approve_plan(u, i, **d)),
    "start": ApiAction(s.VersionInput, lambda u, i, d: services.start_fieldwork(u, i, **d)),
    "report": ApiAction(s.ReportInput, lambda u, i, d: services.report_result(u, i, **d)),
    "convert_task": ApiAction(s.ConvertTaskInput, lambda u, i, d: services.convert_to_task(u, i, d.pop("title"), **d)),
    "convert_problem": ApiAction(
        s.ConvertProblemInput, lambda u, i, d: services.convert_to_problem(u, i, d.pop("title"), **d)
    ),
    "file_visit": ApiAction(s.VisitInput, _visit),
}
DESCRIPTION = _(
    "name 为 submit（提交审核）、return（退回修改，comments）、approve（审核通过，comments 可选）、start（开展调研）、"
    "report（提交成果，summary 与 files，multipart）、convert_task（转化为重点任务：title、due_on、description）、"
    "convert_problem（转化为问题：title、channel、aspect、deadline、unit、description）、file_visit（报备走访：unit、"
    "date、headcount、kinds、team、purpose、override_reason；触发报备规则时返回 409 与 warnings，"
    "code 为 needs_reason 时填写 override_reason 重新提交）之一；"
    "各操作可带 version，与当前版本不符时返回 409。可执行的操作见 allowed_actions。"
)


@extend_schema_view(
    list=extend_schema(
        summary=_("调研方案列表"),
        description=_(
            "当前用户范围内的调研方案，可按活动、方向、课题、状态、单位（含下级）、反面案例、关键词、mine 筛选。"
        ),
    ),
    retrieve=extend_schema(summary=_("调研方案详情"), responses=_answers(s.PlanSerializer)),
)
class PlanViewSet(
    UrgeActionMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Research plans (调研方案) and their review, fieldwork, result and conversions."""

    queryset = (
        ResearchPlan.objects.select_related("campaign", "topic", "unit")
        .prefetch_related("reviews__reviewer", "conversions")
        .order_by("-id")
    )
    serializer_class = s.PlanSerializer
    filterset_class = PlanFilterSet

    def _shown(self, item: ResearchPlan) -> Response:
        shown = self.get_queryset().filter(pk=item.pk).first() or item
        return Response(s.PlanSerializer(shown, context=self.get_serializer_context()).data)

    @extend_schema(summary=_("制定调研方案"), request=s.PlanCreateInput, responses=_answers(s.PlanSerializer, 201))
    def create(self, request: Request) -> Response:
        if not scope.has_perm_anywhere(request.user, Perm.PLAN_RESEARCH):
            raise NotAllowed(gettext("您无权制定调研方案。"))
        plan = services.create_plan(actor(request), **read_input(s.PlanCreateInput, request))
        response = self._shown(plan)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        summary=_("修改调研方案"),
        description=_("草拟或已退回时可修改；带 version 时与当前版本不符返回 409。"),
        request=s.PlanUpdateInput,
        responses=_answers(s.PlanSerializer),
    )
    def update(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        data = read_input(s.PlanUpdateInput, request)
        plan = services.update_plan(actor(request), item, leader=item.leader, **data)
        return self._shown(plan)

    @extend_schema(
        summary=_("执行操作"),
        description=DESCRIPTION,
        parameters=[OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(ACTIONS))],
        request=s.ActionInput,
        responses={**_answers(s.PlanSerializer), 201: VisitSerializer, 409: RefusalSerializer},
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[^/]+)")
    def actions(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        item = self.get_object()
        try:
            result = run_action(ACTIONS, name, request, item)
        except VisitRefused as exc:
            return refusal(exc)
        if name == "file_visit":
            return Response(VisitSerializer(result).data, status=status.HTTP_201_CREATED)
        return self._shown(item)
