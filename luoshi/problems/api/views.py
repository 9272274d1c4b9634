"""The problems REST API. Querysets go through the scope layer (out of scope is 404) and every
write goes through ``luoshi.problems.services`` (lacking the permission is 403, a broken rule 400,
a stale ``version`` 409), exactly as on the pages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
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
from luoshi.problems import services
from luoshi.problems.api import serializers as s
from luoshi.problems.api.filters import ExtensionFilterSet, MeasureFilterSet, ProblemClassFilterSet
from luoshi.problems.filters import ProblemFilterSet
from luoshi.problems.models import ExtensionRequest, Measure, Problem, ProblemClass, ProgressEntry
from luoshi.urging.api.views import UrgeActionMixin

ERRORS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(s.RefusalSerializer, description=_("输入有误或违反业务规则")),
    403: OpenApiResponse(s.RefusalSerializer, description=_("可以查看但无权执行此操作")),
    404: OpenApiResponse(s.RefusalSerializer, description=_("不存在或不在您的范围内")),
    409: OpenApiResponse(s.RefusalSerializer, description=_("对象已被他人修改（version 不符）")),
}
READ_ERRORS = {404: ERRORS[404]}


def _input(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _answers(body: Any, code: int = 200) -> dict[int, Any]:
    return {code: body, **ERRORS}


@extend_schema_view(
    list=extend_schema(
        summary=_("问题列表"), description=_("当前用户范围内的问题，可按状态、预警、单位（含下级）等筛选。")
    ),
    retrieve=extend_schema(
        summary=_("问题详情"),
        description=_("含整改措施和当前用户可执行的操作。"),
        responses=_answers(s.ProblemDetailSerializer),
    ),
)
class ProblemViewSet(
    UrgeActionMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Problems (问题清单) and their lifecycle actions."""

    queryset = Problem.objects.select_related("channel", "aspect", "unit", "responsible_leader", "problem_class")
    serializer_class = s.ProblemSerializer
    filterset_class = ProblemFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Problem]:
        queryset: QuerySet[Problem] = super().get_queryset()
        if self.action != "list":
            measures = Measure.objects.select_related("owner_unit").order_by("id")
            queryset = queryset.prefetch_related(Prefetch("measures", queryset=measures))
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return s.ProblemSerializer if self.action == "list" else s.ProblemDetailSerializer

    def _detail(self, problem: Problem, code: int = status.HTTP_200_OK) -> Response:
        shown = self.get_queryset().filter(pk=problem.pk).first() or problem
        return Response(s.ProblemDetailSerializer(shown, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary=_("登记问题"), request=s.ProblemCreateInput, responses=_answers(s.ProblemDetailSerializer, 201)
    )
    def create(self, request: Request) -> Response:
        if not scope.has_perm_anywhere(request.user, Perm.FILE_PROBLEM):
            raise NotAllowed(gettext("您无权登记问题。"))
        problem = services.file_problem(actor(request), **_input(s.ProblemCreateInput, request))
        return self._detail(problem, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改问题"),
        description=_("只修改提交的字段；必须提交 version，与当前版本不符时返回 409。"),
        request=s.ProblemUpdateInput,
        responses=_answers(s.ProblemDetailSerializer),
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        changes = _input(s.ProblemUpdateInput, request)
        version = changes.pop("version")
        return self._detail(services.edit_problem(actor(request), problem, version, **changes))

    @extend_schema(summary=_("认领"), request=s.ProblemVersionInput, responses=_answers(s.ProblemDetailSerializer))
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        data = _input(s.ProblemVersionInput, request)
        return self._detail(services.claim(actor(request), problem, version=data.get("version")))

    @extend_schema(summary=_("申请销号"), request=s.RequestClosureInput, responses=_answers(s.ProblemDetailSerializer))
    @action(detail=True, methods=["post"], url_path="request-closure")
    def request_closure(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        data = _input(s.RequestClosureInput, request)
        services.request_closure(actor(request), problem, summary=data["summary"], version=data.get("version"))
        return self._detail(problem)

    @extend_schema(summary=_("审核销号"), request=s.ApproveClosureInput, responses=_answers(s.ProblemDetailSerializer))
    @action(detail=True, methods=["post"], url_path="approve-closure")
    def approve_closure(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        data = _input(s.ApproveClosureInput, request)
        return self._detail(
            services.approve_closure(actor(request), problem, note=data["note"], version=data.get("version"))
        )

    @extend_schema(summary=_("退回整改"), request=s.ProblemReasonInput, responses=_answers(s.ProblemDetailSerializer))
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        data = _input(s.ProblemReasonInput, request)
        return self._detail(
            services.send_back(actor(request), problem, reason=data["reason"], version=data.get("version"))
        )

    @extend_schema(
        summary=_("回头看重新打开"), request=s.ProblemReasonInput, responses=_answers(s.ProblemDetailSerializer)
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        data = _input(s.ProblemReasonInput, request)
        return self._detail(
            services.reopen(actor(request), problem, reason=data["reason"], version=data.get("version"))
        )

    @extend_schema(
        summary=_("申请延期"),
        description=_("须在整改时限届满前提出；同一问题同时只能有一个待审批的申请。"),
        request=s.ExtensionRequestInput,
        responses=_answers(s.ExtensionRequestSerializer, 201),
    )
    @action(detail=True, methods=["post"])
    def extensions(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        data = _input(s.ExtensionRequestInput, request)
        ext = services.request_extension(actor(request), problem, **data)
        return Response(s.ExtensionRequestSerializer(ext).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("报送进展"),
        description=_(
            "multipart 表单：text、可选 measure、可重复的 files（佐证材料）。任何一个文件不合格则全部不保存。"
        ),
        request={"multipart/form-data": s.ProgressReportInput},
        responses=_answers(s.ProgressEntrySerializer, 201),
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        data = _input(s.ProgressReportInput, request)
        entry = services.report_progress(actor(request), problem, **data)
        entry = ProgressEntry.objects.prefetch_related("evidence").get(pk=entry.pk)
        return Response(s.ProgressEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("处理记录"),
        description=_("问题的时间线：登记、认领、措施、进展、销号申请与审核、延期等，按时间先后。"),
        responses={200: s.ProblemEventSerializer(many=True), **READ_ERRORS},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def events(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        events = problem.events.select_related("actor").order_by("at", "id")
        return Response(s.ProblemEventSerializer(events, many=True).data)


@extend_schema_view(
    list=extend_schema(summary=_("整改措施列表")),
    retrieve=extend_schema(summary=_("整改措施详情"), responses={200: s.MeasureSerializer, **READ_ERRORS}),
)
class MeasureViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Measures (整改措施) of the problems in scope."""

    queryset = Measure.objects.select_related("owner_unit").order_by("problem_id", "id")
    serializer_class = s.MeasureSerializer
    filterset_class = MeasureFilterSet

    @extend_schema(
        summary=_("制定整改措施"), request=s.MeasureCreateInput, responses=_answers(s.MeasureSerializer, 201)
    )
    def create(self, request: Request) -> Response:
        data = _input(s.MeasureCreateInput, request)
        measure = services.add_measure(actor(request), data.pop("problem"), **data)
        return Response(self.get_serializer(measure).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("措施完成"), request=s.ProblemVersionInput, responses=_answers(s.MeasureSerializer))
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        measure = self.get_object()
        data = _input(s.ProblemVersionInput, request)
        done = services.complete_measure(actor(request), measure, version=data.get("version"))
        return Response(self.get_serializer(done).data)


@extend_schema_view(
    list=extend_schema(summary=_("延期申请列表")),
    retrieve=extend_schema(summary=_("延期申请详情"), responses={200: s.ExtensionRequestSerializer, **READ_ERRORS}),
)
class ExtensionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Extension requests (延期申请); a new one is asked through ``/problems/{id}/extensions/``."""

    queryset = ExtensionRequest.objects.select_related("requested_by", "decided_by").order_by("-id")
    serializer_class = s.ExtensionRequestSerializer
    filterset_class = ExtensionFilterSet

    @extend_schema(
        summary=_("同意延期"), request=s.ExtensionDecisionInput, responses=_answers(s.ExtensionRequestSerializer)
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        ext = self.get_object()
        data = _input(s.ExtensionDecisionInput, request)
        return Response(self.get_serializer(services.approve_extension(actor(request), ext, note=data["note"])).data)

    @extend_schema(
        summary=_("不同意延期"), request=s.ExtensionDecisionInput, responses=_answers(s.ExtensionRequestSerializer)
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        ext = self.get_object()
        data = _input(s.ExtensionDecisionInput, request)
        return Response(self.get_serializer(services.reject_extension(actor(request), ext, note=data["note"])).data)


@extend_schema_view(
    list=extend_schema(summary=_("问题类别列表")),
    retrieve=extend_schema(summary=_("问题类别详情"), responses={200: s.ProblemClassSerializer, **READ_ERRORS}),
)
class ProblemClassViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Problem classes (一类事): similar problems grouped so that one fix serves them all."""

    queryset = ProblemClass.objects.select_related("unit").order_by("name", "id")
    serializer_class = s.ProblemClassSerializer
    filterset_class = ProblemClassFilterSet

    @extend_schema(
        summary=_("新建问题类别"), request=s.ProblemClassCreateInput, responses=_answers(s.ProblemClassSerializer, 201)
    )
    def create(self, request: Request) -> Response:
        problem_class = services.create_problem_class(actor(request), **_input(s.ProblemClassCreateInput, request))
        return Response(self.get_serializer(problem_class).data, status=status.HTTP_201_CREATED)
