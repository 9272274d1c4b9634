"""The reports REST API: reports and figures read through the scope layer (out of scope is 404); a
figure is corrected by PATCH through ``services.correct_figure`` (no permission 403, a broken rule 400,
a stale ``version`` 409), exactly as on the page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.access.api import ScopedViewSetMixin
from luoshi.reports import services
from luoshi.reports.api import serializers as s
from luoshi.reports.filters import FigureFilterSet, ReportFilterSet
from luoshi.reports.models import Figure, Report


@extend_schema_view(
    list=extend_schema(
        summary=_("工作报告列表"), description=_("当前用户范围内的报告，可按活动、单位（含下级）、状态筛选。")
    ),
    retrieve=extend_schema(
        summary=_("工作报告详情"),
        description=_("含规范化文本、提取的数字和数字核对结果。"),
        responses=s.ReportDetailSerializer,
    ),
)
class ReportViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reports (工作报告) units sent, with their figures and the claims check."""

    queryset = Report.objects.select_related("campaign", "unit").order_by("-id")
    serializer_class = s.ReportSerializer
    filterset_class = ReportFilterSet

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()
        return queryset.defer("text") if self.action == "list" else queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return s.ReportSerializer if self.action == "list" else s.ReportDetailSerializer


@extend_schema_view(
    list=extend_schema(summary=_("报告数字列表"), description=_("可按报告、活动筛选。")),
    retrieve=extend_schema(summary=_("报告数字详情")),
)
class FigureViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Figures of reports (报告数字); PATCH corrects one (校正, audited)."""

    queryset = Figure.objects.order_by("report_id", "start", "id")
    serializer_class = s.FigureSerializer
    filterset_class = FigureFilterSet
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(
        summary=_("校正报告数字"),
        description=_("只修改提交的字段；必须提交 version，与当前版本不符时返回 409。"),
        request=s.FigureCorrectionInput,
        responses=s.FigureSerializer,
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        figure = self.get_object()
        serializer = s.FigureCorrectionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        corrected = services.correct_figure(request.user, figure, version, **changes)
        return Response(s.FigureSerializer(corrected).data)
