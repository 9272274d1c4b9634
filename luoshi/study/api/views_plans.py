"""The study plan REST API (``/api/v1/study-plans/``). Querysets go through the scope layer (out of scope is 404);
every write goes through ``luoshi.study.plans`` (lacking the permission is 403, a broken rule 400, a stale
``version`` 409). Transitions and activities share one endpoint, ``POST …/{id}/actions/{name}/``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.access import scope
from luoshi.access.api import ScopedViewSetMixin
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.core.errors import NotAllowed
from luoshi.study import plans
from luoshi.study.api import serializers_plans as s
from luoshi.study.models import StudyPlan, StudySession
from luoshi.study.views_plans import StudyPlanFilterSet
from luoshi.tracking.api import ApiAction, read_input, run_action
from luoshi.urging.api.views import UrgeActionMixin

ERRORS: dict[int, OpenApiResponse] = {
    code: OpenApiResponse(OpenApiTypes.OBJECT, description=text)
    for code, text in (
        (400, _("输入有误或违反业务规则")),
        (403, _("可以查看但无权执行此操作")),
        (404, _("不存在或不在您的范围内")),
        (409, _("学习计划已被他人修改（version 不符）")),
    )
}


def _answers(body: Any, code: int = 200) -> dict[int, Any]:
    return {code: body, **ERRORS}


def _mark_done(user: Any, plan: StudyPlan, data: dict[str, Any]) -> StudyPlan:
    item = plan.items.filter(pk=data["item"]).first()
    if item is None:
        raise serializers.ValidationError({"item": [gettext("该学习内容不属于此学习计划。")]})
    session = None
    if data["session"] is not None:
        session = StudySession.objects.visible_to(user, Perm.VIEW).filter(pk=data["session"]).first()
        if session is None:
            raise serializers.ValidationError({"session": [gettext("学习场次不存在或不在您的范围内。")]})
    return plans.mark_item_done(user, item, session=session, version=data.get("version"))


ACTIONS: dict[str, ApiAction] = {
    "submit": ApiAction(s.StudyPlanVersionInput, lambda u, i, d: plans.submit_plan(u, i, **d)),
    "return": ApiAction(s.StudyPlanReturnInput, lambda u, i, d: plans.return_plan(u, i, **d)),
    "approve": ApiAction(s.StudyPlanApproveInput, lambda u, i, d: plans.approve_plan(u, i, **d)),
    "complete": ApiAction(s.StudyPlanCompleteInput, lambda u, i, d: plans.complete_plan(u, i, **d)),
    "mark_done": ApiAction(s.StudyPlanItemDoneInput, _mark_done),
}
DESCRIPTION = _(
    "name 为 submit（报送审核）、return（退回修改，comments 必填）、approve（审核通过，comments 可选）、"
    "complete（完成学习计划，note 可选）、mark_done（登记学习内容完成：item，可选 session 关联已举行的学习场次；"
    "全部完成时计划自动完成）之一；各操作可带 version，与当前版本不符时返回 409。可执行的操作见 allowed_actions。"
)


@extend_schema_view(
    list=extend_schema(
        summary=_("学习计划列表"), description=_("当前用户范围内的学习计划，可按活动、单位（含下级）、状态筛选。")
    ),
    retrieve=extend_schema(summary=_("学习计划详情"), responses=_answers(s.StudyPlanSerializer)),
)
class StudyPlanViewSet(
    UrgeActionMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Study plans (学习计划) of leadership groups, their items, review and completion."""

    queryset = StudyPlan.objects.select_related("unit").prefetch_related("items").order_by("-id")
    serializer_class = s.StudyPlanSerializer
    filterset_class = StudyPlanFilterSet

    def _shown(self, item: StudyPlan, code: int = status.HTTP_200_OK) -> Response:
        shown = self.get_queryset().filter(pk=item.pk).first() or item
        return Response(s.StudyPlanSerializer(shown, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary=_("制定学习计划"), request=s.StudyPlanCreateInput, responses=_answers(s.StudyPlanSerializer, 201)
    )
    def create(self, request: Request) -> Response:
        if not scope.has_perm_anywhere(request.user, Perm.ORGANISE_STUDY):
            raise NotAllowed(gettext("您无权制定学习计划。"))
        plan = plans.create_plan(actor(request), **read_input(s.StudyPlanCreateInput, request))
        return self._shown(plan, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改学习计划"),
        description=_("草拟或已退回时可修改，items 整体替换；带 version 时与当前版本不符返回 409。"),
        request=s.StudyPlanUpdateInput,
        responses=_answers(s.StudyPlanSerializer),
    )
    def update(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        plan = plans.update_plan(actor(request), item, **read_input(s.StudyPlanUpdateInput, request))
        return self._shown(plan)

    @extend_schema(
        summary=_("执行操作"),
        description=DESCRIPTION,
        parameters=[OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(ACTIONS))],
        request=s.StudyPlanActionInput,
        responses=_answers(s.StudyPlanSerializer),
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[^/]+)")
    def actions(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        item = self.get_object()
        run_action(ACTIONS, name, request, item)
        return self._shown(item)
