"""The supervision reports' API (督导反馈报告): list (by group, unit, state), retrieve with the versions, generate,
the engine's ``POST …/{id}/actions/{name}/`` (issue, withdraw, acknowledge), ``POST …/{id}/urge/`` (an issued
report, until acknowledged) and the download of a version's .docx.

Querysets go through the scope layer (out of scope is 404); writes go through ``luoshi.supervision.reports``
(lacking the permission is 403, a broken rule 400, a stale ``version`` 409)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import FileResponse, Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.access import scope
from luoshi.access.api import ScopedViewSetMixin
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed
from luoshi.core.filters import IdFilter, parse_id
from luoshi.orgs.models import Unit
from luoshi.supervision import queries, reports
from luoshi.supervision.choices import ReportState
from luoshi.supervision.documents import DOCX_TYPE
from luoshi.supervision.models import ReportVersion, SupervisionGroup, SupervisionReport
from luoshi.tracking.api import ApiAction, read_input, run_action
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


# --- serializers ------------------------------------------------------------------------------------------------


class VersionSerializer(serializers.ModelSerializer[ReportVersion]):
    made_by_name = serializers.CharField(source="made_by.display_name", read_only=True, default="")

    class Meta:
        model = ReportVersion
        fields = ["id", "number", "sha256", "made_by_name", "created_at"]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer[SupervisionReport]):
    group_name = serializers.CharField(source="group.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionReport
        fields = [
            "id",
            "group",
            "group_name",
            "unit",
            "unit_name",
            "round",
            "state",
            "due_date",
            "issued_at",
            "acknowledged_at",
            "version",
            "allowed_actions",
            "created_at",
        ]
        read_only_fields = fields

    def get_allowed_actions(self, obj: SupervisionReport) -> list[str]:
        request = self.context.get("request")
        return reports.available_actions(request.user, obj) if request is not None else []


class ReportDetailSerializer(ReportSerializer):
    versions = VersionSerializer(many=True, read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "versions"]
        read_only_fields = fields


class GenerateInput(serializers.Serializer):
    group = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("督导组编号"))
    unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("被督导单位编号"))
    round = serializers.IntegerField(min_value=1, max_value=reports.MAX_ROUND, required=False)
    due_date = serializers.DateField(required=False, allow_null=True, help_text=_("整改时限"))


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class GeneratedSerializer(serializers.Serializer):
    report = ReportDetailSerializer()
    version = VersionSerializer()


# --- the viewset ------------------------------------------------------------------------------------------------


class ReportFilterSet(django_filters.FilterSet):
    group = IdFilter(field_name="group_id", label=_("督导组"))
    unit = IdFilter(field_name="unit_id", label=_("被督导单位"))
    state = django_filters.ChoiceFilter(choices=ReportState.choices, label=_("状态"))

    class Meta:
        model = SupervisionReport
        fields: list[str] = []


ACTIONS: dict[str, ApiAction] = {
    "issue": ApiAction(NoteInput, lambda u, i, d: reports.issue_report(u, i, **d)),
    "withdraw": ApiAction(NoteInput, lambda u, i, d: reports.withdraw_report(u, i, **d)),
    "acknowledge": ApiAction(NoteInput, lambda u, i, d: reports.acknowledge_report(u, i, **d)),
}


def _group_and_unit(user: Any, data: dict[str, Any]) -> tuple[SupervisionGroup, Unit]:
    """The group the user sees and a unit in their scope; anything else reads as "does not exist" (400)."""
    group = queries.visible_groups(user).filter(pk=data["group"]).first()
    unit = Unit.objects.visible_to(user, Perm.VIEW).filter(pk=data["unit"]).first()
    if group is None or unit is None:
        errors = {}
        if group is None:
            errors["group"] = [gettext("督导组不存在。")]
        if unit is None:
            errors["unit"] = [gettext("单位不存在。")]
        raise ValidationError(errors)
    return group, unit


@extend_schema_view(
    list=extend_schema(summary=_("督导报告列表"), description=_("可按督导组、被督导单位、状态筛选；含可执行的操作。")),
    retrieve=extend_schema(summary=_("督导报告详情"), responses=_answers(ReportDetailSerializer)),
)
class ReportViewSet(
    UrgeActionMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Supervision reports (督导反馈报告) of the units in the user's scope."""

    queryset = SupervisionReport.objects.select_related("group", "unit").order_by("-id")
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    def get_queryset(self) -> Any:
        """The reports the user reads: drafts only for the sending office and the group's members."""
        queryset = reports.visible_reports(self.request.user).select_related("group", "unit").order_by("-id")
        if self.action == "retrieve":
            return queryset.prefetch_related("versions__made_by")
        return queryset

    @extend_schema(
        summary=_("生成督导报告"),
        description=_(
            "为督导组的一个督导对象生成报告的新版本（Word 文档）；报告不存在时新建。只有草稿可以生成，"
            "由派出督导组的单位或督导组组长执行。"
        ),
        request=GenerateInput,
        responses=_answers(GeneratedSerializer, 201),
    )
    @action(detail=False, methods=["post"])
    def generate(self, request: Request) -> Response:
        data = read_input(GenerateInput, request)
        group, unit = _group_and_unit(request.user, data)
        version = reports.generate_report(
            actor(request), group, unit, round=data.get("round"), due_date=data.get("due_date")
        )
        report = self.get_queryset().prefetch_related("versions__made_by").get(pk=version.report_id)
        context = self.get_serializer_context()
        body = {
            "report": ReportDetailSerializer(report, context=context).data,
            "version": VersionSerializer(version, context=context).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("执行操作"),
        description=_(
            "name 为 issue（印发，note）、withdraw（撤回为草稿，note 为必填的撤回原因，签收前可撤回）"
            "或 acknowledge（签收，note 为回复意见）；各操作可带 version，"
            "与当前版本不符时返回 409。可执行的操作见 allowed_actions。"
        ),
        parameters=[OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(ACTIONS))],
        request=NoteInput,
        responses=_answers(ReportDetailSerializer),
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[^/]+)")
    def actions(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        item = self.get_object()
        run_action(ACTIONS, name, request, item)
        shown = self.get_queryset().prefetch_related("versions__made_by").get(pk=item.pk)
        return Response(ReportDetailSerializer(shown, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=_("下载报告文件"),
        description=_("下载某一版本的 Word 文档（number 省略时为最新版本）；下载记入审计日志。"),
        parameters=[OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False)],
        responses={(200, DOCX_TYPE): OpenApiTypes.BINARY, 400: ERRORS[400], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        report = self.get_object()
        versions = ReportVersion.objects.filter(report=report).select_related("report__unit")
        raw = request.query_params.get("number", "")
        if raw.strip():
            number = parse_id(raw)
            if number is None:
                raise ValidationError({"number": [gettext("版本号须为正整数。")]})
            versions = versions.filter(number=number)
        version = versions.order_by("-number").first()
        if version is None:
            raise Http404(gettext("该报告尚无此版本。"))
        if not scope.can(request.user, Perm.VIEW, version.org_path):
            raise NotAllowed(gettext("您无权下载该督导报告。"))
        stream, name = reports.open_version(actor(request), version)
        return download(stream, name, content_type=DOCX_TYPE)
