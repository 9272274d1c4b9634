"""The livelihood projects API (民生实事): projects in the user's scope with tasks, milestones, progress,
evaluation and ``allowed_actions``; every change through one action endpoint and the services."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.access.api import ScopedViewSetMixin
from luoshi.livelihood import services
from luoshi.livelihood.api import serializers as s
from luoshi.livelihood.filters import ProjectFilterSet
from luoshi.livelihood.models import LivelihoodProject, ProjectMilestone, ProjectTask
from luoshi.tracking.api import ApiAction, run_action
from luoshi.urging.api.views import UrgeActionMixin

ACTIONS: dict[str, ApiAction] = {
    "complete": ApiAction(s.NoteInput, lambda actor, item, data: services.complete_project(actor, item, **data)),
    "evaluate": ApiAction(s.EvaluationInput, lambda actor, item, data: services.evaluate_project(actor, item, **data)),
    "stop": ApiAction(s.ReasonInput, lambda actor, item, data: services.stop_project(actor, item, **data)),
    "report_progress": ApiAction(
        s.ProgressInput, lambda actor, item, data: services.report_project_progress(actor, item, **data)
    ),
}
ACTION_HELP = _(
    "name 为 allowed_actions 中的一项：complete（项目完成，可选 note）、evaluate（满意度测评：satisfied、"
    "basically_satisfied、dissatisfied，可选 note）、stop（终止项目：reason）、report_progress（未分解子项的项目"
    "报送进展：text、percent）。均可带 version，与当前版本不符时返回 409。"
)


@extend_schema_view(
    list=extend_schema(summary=_("民生实事项目列表"), description=_("当前用户范围内的项目，筛选条件同列表页。")),
    retrieve=extend_schema(
        summary=_("民生实事项目详情"), description=_("含子项、时间节点、进度、测评结果和当前用户可执行的操作。")
    ),
)
class ProjectViewSet(
    UrgeActionMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Livelihood projects (民生实事项目) and the one endpoint of their actions."""

    queryset = LivelihoodProject.objects.select_related("campaign", "lead_unit").order_by("-id")
    serializer_class = s.ProjectSerializer
    filterset_class = ProjectFilterSet

    def get_queryset(self) -> QuerySet[LivelihoodProject]:
        queryset: QuerySet[LivelihoodProject] = super().get_queryset()
        if self.action == "list":
            return queryset
        tasks = ProjectTask.objects.select_related("owner_unit").order_by("deadline", "id")
        milestones = ProjectMilestone.objects.order_by("planned_on", "id")
        related: list[Any] = [Prefetch("tasks", queryset=tasks), Prefetch("milestones", queryset=milestones)]
        return queryset.prefetch_related(*related, "assisting_units")

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return s.ProjectSerializer if self.action == "list" else s.ProjectDetailSerializer

    @extend_schema(
        summary=_("执行项目操作"),
        description=ACTION_HELP,
        parameters=[
            OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(ACTIONS)),
        ],
        request=s.ActionInput,
        responses={200: s.ProjectDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[^/]+)")
    def actions(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        project = self.get_object()
        run_action(ACTIONS, name, request, project)
        fresh = self.get_queryset().filter(pk=project.pk).first() or project
        return Response(s.ProjectDetailSerializer(fresh, context=self.get_serializer_context()).data)
