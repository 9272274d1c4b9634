"""The study API of classes: classes, sessions (filter by class and date), a session's attendance (GET the marks,
POST roster marks) and coverage. Querysets go through the scope layer (out of scope is 404); writes go through
``luoshi.study.services`` (lacking the permission is 403, a broken rule or bad input 400)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from luoshi.access.api import HoldsViewPerm, ScopedViewSetMixin
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.queries import visible_campaigns
from luoshi.core.filters import DayFilter, IdFilter
from luoshi.core.paths import subtree_q
from luoshi.orgs.models import Unit
from luoshi.study import coverage, queries, services
from luoshi.study.api import serializers as s
from luoshi.study.choices import ClassKind
from luoshi.study.models import Attendance, StudyClass, StudySession
from luoshi.tracking.api import read_input

ERRORS: dict[int, OpenApiResponse] = {
    code: OpenApiResponse(OpenApiTypes.OBJECT, description=text)
    for code, text in (
        (400, _("输入有误或违反业务规则")),
        (403, _("可以查看但无权执行此操作")),
        (404, _("不存在或不在您的范围内")),
    )
}


def _answers(body: Any, code: int = 200) -> dict[int, Any]:
    return {code: body, **ERRORS}


class StudyClassFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))
    rotation = IdFilter(field_name="rotation_id", label=_("轮训"))
    kind = django_filters.ChoiceFilter(choices=ClassKind.choices, label=_("类型"))

    class Meta:
        model = StudyClass
        fields: list[str] = []


class StudySessionFilterSet(django_filters.FilterSet):
    study_class = IdFilter(field_name="study_class_id", label=_("班次"))
    date = DayFilter(field_name="date", label=_("日期"))
    date_from = DayFilter(field_name="date", lookup_expr="gte", label=_("起始日期"))
    date_to = DayFilter(field_name="date", lookup_expr="lte", label=_("截止日期"))

    class Meta:
        model = StudySession
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary=_("学习班次列表"), description=_("可按活动、轮训、类型筛选。")),
    retrieve=extend_schema(summary=_("学习班次详情"), responses=_answers(s.StudyClassSerializer)),
)
class StudyClassViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Classes of study (读书班, 专题学习, 集中学习, 轮训班) with half-days planned and held."""

    serializer_class = s.StudyClassSerializer
    filterset_class = StudyClassFilterSet
    queryset = StudyClass.objects.all()

    def get_queryset(self) -> Any:
        return queries.with_half_days(super().get_queryset().select_related("unit")).order_by("org_path", "id")

    @extend_schema(
        summary=_("新建学习班次"), request=s.StudyClassInput, responses=_answers(s.StudyClassSerializer, 201)
    )
    def create(self, request: Request) -> Response:
        made = services.create_class(actor(request), **read_input(s.StudyClassInput, request))
        return Response(s.StudyClassSerializer(made).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=_("学习场次列表"), description=_("可按班次、日期筛选。")),
    retrieve=extend_schema(summary=_("学习场次详情"), responses=_answers(s.StudySessionSerializer)),
)
class StudySessionViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Half-day sessions of classes; a session's attendance at ``…/{id}/attendance/``."""

    serializer_class = s.StudySessionSerializer
    filterset_class = StudySessionFilterSet
    queryset = StudySession.objects.filter(study_class__isnull=False)

    def get_queryset(self) -> Any:
        return super().get_queryset().order_by("date", "half", "id")

    @extend_schema(
        summary=_("新增学习场次"), request=s.StudySessionInput, responses=_answers(s.StudySessionSerializer, 201)
    )
    def create(self, request: Request) -> Response:
        data = read_input(s.StudySessionInput, request)
        made = services.add_session(actor(request), data.pop("study_class"), **data)
        return Response(s.StudySessionSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], summary=_("场次考勤"), responses=_answers(s.StudyAttendanceSerializer(many=True)))
    @extend_schema(
        methods=["POST"],
        summary=_("名册考勤"),
        description=_(
            "marks：每人 {member, status}（present 出席、late 迟到、absent 缺席、leave 请假）；或 all_present。"
        ),
        request=s.StudyAttendanceInput,
        responses=_answers(s.StudyAttendanceResult),
    )
    @action(detail=True, methods=["get", "post"], url_path="attendance", pagination_class=None, filterset_class=None)
    def attendance(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        if request.method == "GET":
            rows = Attendance.objects.filter(session=session).select_related("member").order_by("member__number")
            return Response(s.StudyAttendanceSerializer(rows, many=True).data)
        data = read_input(s.StudyAttendanceInput, request)
        user = actor(request)
        if data["all_present"]:
            changed = services.mark_all_present(user, session)
        else:
            marks = {m["member"]: m["status"] for m in data["marks"]}
            changed = services.mark_attendance(user, session, marks)
        return Response({"changed": changed})


class StudyCoverageView(APIView):
    """Coverage (参学覆盖) of a campaign in a unit's subtree: distinct people, attendances, half-days, children."""

    permission_classes = [*APIView.permission_classes, HoldsViewPerm]

    @extend_schema(
        summary=_("学习覆盖"),
        description=_("参学人数按人去重；unit 缺省为本人范围的最上级单位。"),
        parameters=[
            OpenApiParameter("campaign", OpenApiTypes.INT, required=True),
            OpenApiParameter("unit", OpenApiTypes.INT, required=False),
        ],
        responses=_answers(s.StudyCoverageSerializer),
    )
    def get(self, request: Request) -> Response:
        query = s.StudyCoverageQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        user = request.user
        campaign = visible_campaigns(user).filter(pk=query.validated_data["campaign"]).first()
        if campaign is None:
            raise Http404
        units = Unit.objects.visible_to(user, Perm.VIEW).filter(subtree_q(campaign.unit.path, "path"))
        wanted = query.validated_data.get("unit")
        unit = units.filter(pk=wanted).first() if wanted else units.order_by("level", "path").first()
        if unit is None:
            raise Http404
        total = coverage.unit_coverage(campaign, unit)
        body = s.StudyUnitCoverageSerializer(total).data
        body["campaign"] = campaign.pk
        body["children"] = s.StudyUnitCoverageSerializer(coverage.coverage_by_unit(campaign, unit), many=True).data
        return Response(body)
