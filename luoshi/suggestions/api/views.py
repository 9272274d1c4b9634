"""The suggestions REST API. Lists go through the scope layer (the office and the referred unit in their scope, a
member their own; out of scope is 404); every write goes through ``luoshi.suggestions.intake`` or ``services``
(lacking the permission is 403, a broken rule 400, a stale ``version`` 409). Each action is
``POST /api/v1/suggestions/{id}/actions/{name}/``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.core.api import IdLookupMixin
from luoshi.core.errors import NotAllowed
from luoshi.core.filters import IdFilter
from luoshi.suggestions import intake, queries, services
from luoshi.suggestions.api import serializers as s
from luoshi.suggestions.models import AnswerTemplate, Suggestion
from luoshi.tracking.api import ApiAction, read_input, run_action

ERRORS: dict[int, OpenApiResponse] = {
    code: OpenApiResponse(OpenApiTypes.OBJECT, description=text)
    for code, text in (
        (400, _("输入有误或违反业务规则")),
        (403, _("可以查看但无权执行此操作")),
        (404, _("不存在或不在您的范围内")),
        (409, _("对象已被他人修改（version 不符）")),
    )
}
USES = (Perm.SUGGEST, Perm.HANDLE_SUGGESTION, Perm.ANSWER_SUGGESTION)


def _answers(body: Any, code: int = 200) -> dict[int, Any]:
    return {code: body, **ERRORS}


class UsesSuggestions(permissions.BasePermission):
    """Suggestions are for who makes, handles or answers them somewhere (not the security admin or auditor)."""

    message = _("您无权查看业务数据。")

    def has_permission(self, request: Request, view: Any) -> bool:
        return any(scope.has_perm_anywhere(request.user, perm) for perm in USES)


def _group(u: Any, i: Suggestion, d: dict[str, Any]) -> Any:
    return services.set_group(u, i, d["group"], version=d.get("version"))


ACTIONS: dict[str, ApiAction] = {
    "triage": ApiAction(s.SuggestionTriageInput, lambda u, i, d: services.triage_suggestion(u, i, **d)),
    "refer": ApiAction(s.SuggestionReferInput, lambda u, i, d: services.refer_suggestion(u, i, **d)),
    "answer": ApiAction(s.SuggestionAnswerInput, lambda u, i, d: services.answer_suggestion(u, i, **d)),
    "decide": ApiAction(s.SuggestionDecideInput, lambda u, i, d: services.decide_suggestion(u, i, **d)),
    "dismiss": ApiAction(s.SuggestionDismissInput, lambda u, i, d: services.dismiss_suggestion(u, i, **d)),
    "note": ApiAction(s.SuggestionNoteInput, lambda u, i, d: services.add_note(u, i, **d)),
    "group": ApiAction(s.SuggestionGroupInput, _group),
    "convert_task": ApiAction(s.SuggestionConvertTaskInput, lambda u, i, d: services.convert_to_task(u, i, **d)),
    "convert_problem": ApiAction(
        s.SuggestionConvertProblemInput, lambda u, i, d: services.convert_to_problem(u, i, **d)
    ),
    "convert_proposal": ApiAction(
        s.SuggestionConvertProposalInput, lambda u, i, d: services.convert_to_proposal(u, i, **d)
    ),
}
DESCRIPTION = _(
    "name 为 triage（研判：category、topic、group、note）、refer（转办：unit、deadline、note）、answer（答复：text、"
    "public）、decide（采纳认定：adoption、reason）、dismiss（不予采用：reason）、note（内部备注：text）、group（归并"
    "同类建议：group，null 为移出）、convert_task（title、due_on、description）、convert_problem（title、channel、"
    "aspect、deadline、unit、description）、convert_proposal（title、category、unit、description）之一；"
    "带 version 时与当前版本不符返回 409。可执行的操作见 allowed_actions。"
)


@extend_schema_view(
    list=extend_schema(
        summary=_("意见建议列表"),
        description=_(
            "当前用户可见的意见建议，可按活动、状态、类别、来源、单位（含下级）、预警、逾期、关键词、mine 筛选。"
        ),
    ),
    retrieve=extend_schema(summary=_("意见建议详情"), responses=_answers(s.SuggestionSerializer)),
)
class SuggestionViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Suggestions (意见建议): a member's suggestion, and triage, referral, answer, adoption, notes and conversions."""

    serializer_class = s.SuggestionSerializer
    filterset_class = queries.SuggestionFilterSet

    def get_permissions(self) -> list[Any]:
        return [*super().get_permissions(), UsesSuggestions()]

    def get_queryset(self) -> Any:
        found = queries.visible(self.request.user).select_related(*queries.RELATED, "submitted_by")
        return found.prefetch_related("conversions").order_by("-id")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "detail": self.action != "list"}

    def _shown(self, item: Suggestion, code: int = 200) -> Response:
        shown = self.get_queryset().filter(pk=item.pk).first() or item
        return Response(s.SuggestionSerializer(shown, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary=_("提出建议"), request=s.SuggestionCreateInput, responses=_answers(s.SuggestionSerializer, 201)
    )
    def create(self, request: Request) -> Response:
        if not scope.has_perm_anywhere(request.user, Perm.SUGGEST):
            raise NotAllowed(gettext("您无权提出意见建议。"))
        made = intake.submit_member_suggestion(actor(request), **read_input(s.SuggestionCreateInput, request))
        return self._shown(made, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("执行操作"),
        description=DESCRIPTION,
        parameters=[OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(ACTIONS))],
        request=s.SuggestionActionInput,
        responses=_answers(s.SuggestionSerializer),
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[^/]+)")
    def act(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        item = self.get_object()
        run_action(ACTIONS, name, request, item)
        return self._shown(item)


class AnswerTemplateFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))

    class Meta:
        model = AnswerTemplate
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary=_("答复模板列表"), description=_("当前用户作为办公室的活动的答复模板。")),
    retrieve=extend_schema(summary=_("答复模板详情"), responses=_answers(s.AnswerTemplateSerializer)),
)
class AnswerTemplateViewSet(
    IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Answer templates (答复模板) of a campaign, kept by its office."""

    serializer_class = s.AnswerTemplateSerializer
    filterset_class = AnswerTemplateFilterSet

    def get_permissions(self) -> list[Any]:
        return [*super().get_permissions(), UsesSuggestions()]

    def get_queryset(self) -> Any:
        return AnswerTemplate.objects.visible_to(self.request.user, Perm.HANDLE_SUGGESTION).order_by(
            "campaign_id", "id"
        )

    @extend_schema(
        summary=_("新增答复模板"), request=s.AnswerTemplateInput, responses=_answers(s.AnswerTemplateSerializer, 201)
    )
    def create(self, request: Request) -> Response:
        made = services.create_template(actor(request), **read_input(s.AnswerTemplateInput, request))
        return Response(s.AnswerTemplateSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改答复模板"), request=s.AnswerTemplateFields, responses=_answers(s.AnswerTemplateSerializer)
    )
    def update(self, request: Request, pk: str | None = None) -> Response:
        found = self.get_object()
        saved = services.update_template(actor(request), found, **read_input(s.AnswerTemplateFields, request))
        return Response(s.AnswerTemplateSerializer(saved).data)

    @extend_schema(summary=_("删除答复模板"), responses={204: None, **ERRORS})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.delete_template(actor(request), self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
