"""The collection REST API. Querysets go through the scope layer (out of scope is 404); every write goes through
``luoshi.collection.services`` (lacking the permission is 403, a broken rule 400, a stale ``version`` 409).
Submission transitions share one endpoint, ``POST …/{id}/actions/{name}/``."""

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
from luoshi.collection import queries, services
from luoshi.collection.api import serializers as s
from luoshi.collection.filters import SubmissionFilterSet
from luoshi.collection.models import CollectionRound, CollectionTemplate, Submission
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.filters import IdFilter
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


class TemplateFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))
    family = IdFilter(field_name="family_id", label=_("模板系列"))
    current = django_filters.BooleanFilter(field_name="is_current", label=_("只看当前版本"))

    class Meta:
        model = CollectionTemplate
        fields: list[str] = []


class RoundFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="template__campaign_id", label=_("活动"))
    template = IdFilter(field_name="template_id", label=_("模板版本"))
    family = IdFilter(field_name="template__family_id", label=_("模板系列"))

    class Meta:
        model = CollectionRound
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary=_("报送模板列表"), description=_("可按活动、模板系列、是否当前版本筛选。")),
    retrieve=extend_schema(summary=_("报送模板详情"), responses=_answers(s.TemplateSerializer)),
)
class TemplateViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Collection templates (报送模板), every version; a street sees the templates of the units above it."""

    queryset = CollectionTemplate.objects.select_related("unit", "target_kind").order_by("id")
    serializer_class = s.TemplateSerializer
    filterset_class = TemplateFilterSet

    @extend_schema(
        summary=_("新建报送模板"), request=s.TemplateCreateInput, responses=_answers(s.TemplateSerializer, 201)
    )
    def create(self, request: Request) -> Response:
        if not scope.has_perm_anywhere(request.user, Perm.MANAGE_COLLECTION):
            raise NotAllowed(gettext("您无权设置定期报送。"))
        template = services.create_template(actor(request), **read_input(s.TemplateCreateInput, request))
        return Response(s.TemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改报送模板（新版本）"),
        description=_("未开启过报送的版本就地修改；已开启过的生成新版本（版本号加一），已开启的轮次仍用原版本。"),
        request=s.DefinitionInput,
        responses=_answers(s.TemplateSerializer, 201),
    )
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request: Request, pk: str | None = None) -> Response:
        template = self.get_object()
        revised = services.revise_template(actor(request), template, **read_input(s.DefinitionInput, request))
        return Response(s.TemplateSerializer(revised).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=_("报送轮次列表"), description=_("含当前用户可见单位按状态的计数。")),
    retrieve=extend_schema(summary=_("报送轮次详情"), responses=_answers(s.RoundSerializer)),
)
class RoundViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reporting rounds (报送轮次) with their status counts."""

    queryset = CollectionRound.objects.select_related("template").order_by("-deadline", "-id")
    serializer_class = s.RoundSerializer
    filterset_class = RoundFilterSet

    def _context(self, rounds: list[CollectionRound]) -> dict[str, Any]:
        return {**self.get_serializer_context(), "counts": queries.counts_for_rounds(self.request.user, rounds)}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page if page is not None else [])
        return self.get_paginated_response(s.RoundSerializer(rows, many=True, context=self._context(rows)).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        return Response(s.RoundSerializer(item, context=self._context([item])).data)

    @extend_schema(
        summary=_("开启报送轮次"),
        description=_("在模板的当前版本上开启；每周、每月的模板省略报送期时取下一期。"),
        request=s.RoundCreateInput,
        responses=_answers(s.RoundSerializer, 201),
    )
    def create(self, request: Request) -> Response:
        if not scope.has_perm_anywhere(request.user, Perm.MANAGE_COLLECTION):
            raise NotAllowed(gettext("您无权开启报送。"))
        data = read_input(s.RoundCreateInput, request)
        template = data.pop("template")
        wanted = ("period_label", "period_start", "period_end", "deadline")
        if not all(data.get(k) for k in wanted):
            period = queries.proposed_period(template)
            if period is None:
                raise RuleViolation(gettext("不定期模板须填写报送期、期间和截止日期。"))
            proposed = {"period_label": period.label, "period_start": period.start, "period_end": period.end}
            data = {**proposed, "deadline": period.deadline, **{k: v for k, v in data.items() if v}}
        item = services.open_round(actor(request), template, **data)
        return Response(s.RoundSerializer(item, context=self._context([item])).data, status=status.HTTP_201_CREATED)


ACTIONS: dict[str, ApiAction] = {
    "save": ApiAction(
        s.ValuesInput, lambda u, i, d: services.save_draft(u, i, values=d.get("values") or {}, version=d.get("version"))
    ),
    "submit": ApiAction(
        s.ValuesInput, lambda u, i, d: services.submit(u, i, values=d.get("values"), version=d.get("version"))
    ),
    "accept": ApiAction(s.NoteInput, lambda u, i, d: services.accept(u, i, **d)),
    "return": ApiAction(s.ReasonInput, lambda u, i, d: services.return_submission(u, i, **d)),
}


@extend_schema_view(
    list=extend_schema(
        summary=_("填报列表"),
        description=_("当前用户范围内的填报，可按轮次、活动、状态、单位（含下级）、逾期、待办筛选；含可执行的操作。"),
    ),
    retrieve=extend_schema(summary=_("填报详情"), responses=_answers(s.SubmissionSerializer)),
)
class SubmissionViewSet(
    UrgeActionMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Submissions (填报) and their lifecycle."""

    queryset = Submission.objects.select_related("round__template", "unit").order_by("id")
    serializer_class = s.SubmissionSerializer
    filterset_class = SubmissionFilterSet

    @extend_schema(
        summary=_("执行操作"),
        description=_(
            "name 为 save（暂存，values）、submit（报送，values，省略时报送暂存的内容）、accept（审核通过，note）、"
            "return（退回，reason）之一；各操作可带 version，与当前版本不符时返回 409。可执行的操作见 allowed_actions。"
        ),
        parameters=[OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(ACTIONS))],
        request=s.ActionInput,
        responses=_answers(s.SubmissionSerializer),
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[^/]+)")
    def actions(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        item = self.get_object()
        run_action(ACTIONS, name, request, item)
        shown = self.get_queryset().filter(pk=item.pk).first() or item
        return Response(s.SubmissionSerializer(shown, context=self.get_serializer_context()).data)
