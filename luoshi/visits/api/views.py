"""The visit calendar REST API (走访报备). Querysets go through the scope layer (out of scope is 404); writes go through
``luoshi.visits.services``. A visit that trips the calendar's rules is a 409 with a structured body: ``code``
``needs_reason`` (resend with ``override_reason``) or ``blocked``, and the ``warnings`` (rule hits)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.access import scope
from luoshi.access.api import HoldsViewPerm, ScopedViewSetMixin
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.queries import visible_campaigns
from luoshi.core.errors import NotAllowed
from luoshi.core.filters import parse_id
from luoshi.tracking.api import read_input
from luoshi.visits import services
from luoshi.visits.api import serializers as s
from luoshi.visits.filters import VisitFilterSet
from luoshi.visits.models import Visit
from luoshi.visits.rules import rules_for
from luoshi.visits.services import VisitRefused

ERRORS: dict[int, OpenApiResponse] = {
    code: OpenApiResponse(OpenApiTypes.OBJECT, description=text)
    for code, text in (
        (400, _("输入有误或违反业务规则")),
        (403, _("可以查看但无权执行此操作")),
        (404, _("不存在或不在您的范围内")),
    )
}
REFUSED = OpenApiResponse(
    s.VisitRefusalSerializer,
    description=_("触发报备规则：code 为 needs_reason（填写 override_reason 后重新提交）或 blocked（不能报备）"),
)


def _answers(body: Any, code: int = 200, refused: bool = False) -> dict[int, Any]:
    answers: dict[int, Any] = {code: body, **ERRORS}
    if refused:
        answers[409] = REFUSED
    return answers


def refusal(exc: VisitRefused) -> Response:
    """The 409 of a visit the calendar refuses, with its rule hits."""
    body = {"code": exc.code, "detail": str(exc), "warnings": [hit.as_dict() for hit in exc.hits]}
    return Response(body, status=status.HTTP_409_CONFLICT)


class ApiVisitFilterSet(VisitFilterSet):
    """The calendar list's filters; a bad id or date is a 400."""


@extend_schema_view(
    list=extend_schema(
        summary=_("走访报备列表"), description=_("可按活动、单位（含下级）、起止日期（from、to）、走访方标识筛选。")
    ),
    retrieve=extend_schema(summary=_("走访报备详情"), responses=_answers(s.VisitSerializer)),
)
class VisitViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Visits filed on the calendar, to the units the user sees."""

    queryset = Visit.objects.select_related("unit", "filed_by").order_by("-date", "-id")
    serializer_class = s.VisitSerializer
    filterset_class = ApiVisitFilterSet

    @extend_schema(
        summary=_("报备走访"),
        description=_(
            "触发提醒而未填写 override_reason 时返回 409（code 为 needs_reason，warnings 为触发的规则），"
            "填写理由后重新提交；触发禁止规则返回 409（code 为 blocked）。"
        ),
        request=s.VisitInput,
        responses=_answers(s.VisitSerializer, 201, refused=True),
    )
    def create(self, request: Request) -> Response:
        if not scope.has_perm_anywhere(request.user, Perm.FILE_VISIT):
            raise NotAllowed(gettext("您无权报备走访。"))
        data = read_input(s.VisitInput, request)
        try:
            visit = services.file_visit(actor(request), **data)
        except VisitRefused as exc:
            return refusal(exc)
        return Response(s.VisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("试报备（检查报备规则）"),
        description=_("不保存，只返回该走访将触发的报备规则。"),
        request=s.VisitCheckInput,
        responses=_answers(s.VisitCheckResult),
    )
    @action(detail=False, methods=["post"])
    def check(self, request: Request) -> Response:
        if not scope.has_perm_anywhere(request.user, Perm.FILE_VISIT):
            raise NotAllowed(gettext("您无权报备走访。"))
        hits = services.preview_visit(actor(request), **read_input(s.VisitCheckInput, request))
        blocked = any(hit.blocks for hit in hits)
        body = {"hits": [hit.as_dict() for hit in hits], "blocked": blocked, "needs_reason": bool(hits) and not blocked}
        return Response(body)

    @extend_schema(summary=_("取消走访"), request=s.VisitCancelInput, responses=_answers(s.VisitSerializer))
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        visit = self.get_object()
        data = read_input(s.VisitCancelInput, request)
        cancelled = services.cancel_visit(actor(request), visit, data["reason"])
        return Response(s.VisitSerializer(cancelled).data)


CAMPAIGN_PARAM = OpenApiParameter("campaign", OpenApiTypes.INT, required=True, description=_("活动"))


class VisitRuleViewSet(viewsets.ViewSet):
    """The campaign's pile-up rules (报备规则): read by whoever sees the campaign, set by its office."""

    permission_classes = [*viewsets.ViewSet.permission_classes, HoldsViewPerm]

    def _campaign(self, request: Request) -> Any:
        raw = request.query_params.get("campaign", "")
        pk = parse_id(raw)
        if pk is None:
            raise ValidationError({"campaign": [gettext("请指定活动编号。")]})
        campaign = visible_campaigns(request.user).filter(pk=pk).first()
        if campaign is None:
            raise NotFound()
        return campaign

    @extend_schema(
        summary=_("走访报备规则"), parameters=[CAMPAIGN_PARAM], responses=_answers(s.VisitRuleSerializer(many=True))
    )
    def list(self, request: Request) -> Response:
        return Response(s.VisitRuleSerializer(rules_for(self._campaign(request)), many=True).data)

    @extend_schema(
        summary=_("设置走访报备规则"),
        description=_("活动办公室设置；未列出的规则保持不变。"),
        parameters=[CAMPAIGN_PARAM],
        request=s.VisitRulesInput,
        responses=_answers(s.VisitRuleSerializer(many=True)),
    )
    def put(self, request: Request) -> Response:
        campaign = self._campaign(request)
        data = read_input(s.VisitRulesInput, request)
        rules = services.save_rules(actor(request), campaign, data["rules"])
        return Response(s.VisitRuleSerializer(rules, many=True).data)
