"""The key-task REST API. Querysets go through the scope layer (out of scope is 404); every write goes
through ``luoshi.tasks.services`` (lacking the permission is 403, a broken rule 400, a stale ``version``
409). Assignment transitions and activities share one endpoint, ``POST …/{id}/actions/{name}/``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.access import scope
from luoshi.access.api import ScopedViewSetMixin
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.core.errors import NotAllowed
from luoshi.tasks import queries, services
from luoshi.tasks.api import serializers as s
from luoshi.tasks.filters import AssignmentFilterSet, TaskFilterSet
from luoshi.tasks.models import Task, TaskAssignment, TaskProgress
from luoshi.tracking import engine
from luoshi.tracking.api import ApiAction, read_input, run_action
from luoshi.tracking.choices import RequestState
from luoshi.urging.api.views import UrgeActionMixin

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


@extend_schema_view(
    list=extend_schema(summary=_("重点任务列表"), description=_("可按活动、上级任务筛选；含加权汇总的完成进度。")),
    retrieve=extend_schema(summary=_("重点任务详情"), responses=_answers(s.TaskDetailSerializer)),
)
class TaskViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Key tasks (重点任务): issued within the caller's scope, or assigned to a unit within it."""

    queryset = Task.objects.select_related("unit", "source").order_by("id")
    serializer_class = s.TaskSerializer
    filterset_class = TaskFilterSet

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return s.TaskSerializer if self.action == "list" else s.TaskDetailSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page if page is not None else [])
        context = {**self.get_serializer_context(), "percents": queries.percents_for(t.pk for t in rows)}
        return self.get_paginated_response(s.TaskSerializer(rows, many=True, context=context).data)

    def _detail(self, task: Task, code: int = status.HTTP_200_OK) -> Response:
        context = {**self.get_serializer_context(), "percents": queries.percents_for([task.pk])}
        return Response(s.TaskDetailSerializer(task, context=context).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    @extend_schema(
        summary=_("部署重点任务"), request=s.TaskCreateInput, responses=_answers(s.TaskDetailSerializer, 201)
    )
    def create(self, request: Request) -> Response:
        if not scope.has_perm_anywhere(request.user, Perm.MANAGE_TASKS):
            raise NotAllowed(gettext("您无权部署重点任务。"))
        task = services.create_task(actor(request), **read_input(s.TaskCreateInput, request))
        return self._detail(task, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("交办"),
        description=_("交办给一个单位（unit），或一次交办给上级单位（subtree_root）下某类型（kind）的全部单位。"),
        request=s.AssignInput,
        responses=_answers(s.AssignResultSerializer, 201),
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        result = services.assign(actor(request), task, **read_input(s.AssignInput, request))
        body = {"created": result.count, "skipped": result.skipped, "ids": [a.pk for a in result.created]}
        return Response(body, status=status.HTTP_201_CREATED)


def _pending_extension(actor: Any, item: TaskAssignment, action_name: str) -> Any:
    pending = item.extensions.filter(state=RequestState.PENDING).order_by("-id").first()
    if pending is None:
        engine.require_activity(services.TRACKER, actor, item, action_name)
    return pending


ACTIONS: dict[str, ApiAction] = {
    "sign": ApiAction(s.VersionInput, lambda u, i, d: services.sign(u, i, d.get("version"))),
    "request_finish": ApiAction(s.SummaryInput, lambda u, i, d: services.request_finish(u, i, **d)),
    "accept": ApiAction(s.NoteInput, lambda u, i, d: services.accept(u, i, **d)),
    "send_back": ApiAction(s.ReasonInput, lambda u, i, d: services.send_back(u, i, **d)),
    "revoke": ApiAction(s.ReasonInput, lambda u, i, d: services.revoke(u, i, **d)),
    "reopen": ApiAction(s.ReasonInput, lambda u, i, d: services.reopen(u, i, **d)),
    "request_extension": ApiAction(s.ExtensionInput, lambda u, i, d: services.request_extension(u, i, **d)),
    "approve_extension": ApiAction(
        s.DecisionInput,
        lambda u, i, d: services.approve_extension(u, _pending_extension(u, i, "approve_extension"), **d),
    ),
    "reject_extension": ApiAction(
        s.DecisionInput,
        lambda u, i, d: services.reject_extension(u, _pending_extension(u, i, "reject_extension"), **d),
    ),
    "pass_down": ApiAction(s.PassDownInput, lambda u, i, d: services.pass_down(u, i, **d)),
}


@extend_schema_view(
    list=extend_schema(
        summary=_("任务交办列表"),
        description=_("当前用户范围内的交办，可按任务、状态、预警、单位（含下级）、逾期筛选；含当前用户可执行的操作。"),
    ),
    retrieve=extend_schema(summary=_("任务交办详情"), responses=_answers(s.AssignmentDetailSerializer)),
)
class AssignmentViewSet(
    UrgeActionMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Assignments of key tasks (任务分解交办) and their lifecycle."""

    queryset = TaskAssignment.objects.select_related("task__campaign", "unit", "owner").order_by("id")
    serializer_class = s.AssignmentSerializer
    filterset_class = AssignmentFilterSet

    def get_queryset(self) -> QuerySet[TaskAssignment]:
        queryset: QuerySet[TaskAssignment] = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("finish_requests__requested_by", "extensions__requested_by")
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return s.AssignmentDetailSerializer if self.action == "retrieve" else s.AssignmentSerializer

    def _detail(self, item: TaskAssignment) -> Response:
        shown = self.get_queryset().filter(pk=item.pk).first() or item
        return Response(s.AssignmentDetailSerializer(shown, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=_("执行操作"),
        description=_(
            "name 为 sign（签收）、request_finish（申请办结，summary）、accept（验收办结，note）、"
            "send_back（退回，reason）、revoke（撤销，reason）、reopen（重启，reason）、"
            "request_extension（申请延期，new_due、reason）、approve_extension / reject_extension"
            "（审批待审批的延期申请，note）、pass_down（逐级下达，unit 或 kind + subtree_root、due_on）之一；"
            "各操作可带 version，与当前版本不符时返回 409。可执行的操作见 allowed_actions。"
        ),
        parameters=[OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(ACTIONS))],
        request=s.ActionInput,
        responses=_answers(s.AssignmentDetailSerializer),
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[^/]+)")
    def actions(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        item = self.get_object()
        run_action(ACTIONS, name, request, item)
        return self._detail(item)

    @extend_schema(
        methods=["GET"],
        summary=_("进展报送列表"),
        responses={200: s.ProgressSerializer(many=True), 404: ERRORS[404]},
    )
    @extend_schema(
        methods=["POST"],
        summary=_("报送进展"),
        description=_("multipart 表单：text、percent、可选 difficulties、next_steps、可重复的 files（佐证材料）。"),
        request={"multipart/form-data": s.ProgressInput},
        responses=_answers(s.ProgressSerializer, 201),
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
        filter_backends=[],
        pagination_class=None,
    )
    def progress(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        if request.method == "GET":
            reports = item.progress.select_related("author").prefetch_related("evidence").order_by("id")
            return Response(s.ProgressSerializer(reports, many=True).data)
        report = services.report_progress(actor(request), item, **read_input(s.ProgressInput, request))
        report = TaskProgress.objects.select_related("author").prefetch_related("evidence").get(pk=report.pk)
        return Response(s.ProgressSerializer(report).data, status=status.HTTP_201_CREATED)
