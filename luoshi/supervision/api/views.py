"""The supervision REST API: groups (with their members and assigned units) and findings. Querysets go through the
scope layer (out of scope is 404); every write goes through ``luoshi.supervision.services`` (lacking the permission
is 403, a broken rule 400, a stale ``version`` 409). Finding transitions share ``POST …/{id}/actions/{name}/``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.access import scope
from luoshi.access.api import HoldsViewPerm, ScopedViewSetMixin
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.core.api import IdLookupMixin
from luoshi.core.errors import NotAllowed
from luoshi.core.filters import IdFilter
from luoshi.supervision import queries, services
from luoshi.supervision.api import serializers as s
from luoshi.supervision.choices import FindingKind, FindingState
from luoshi.supervision.models import Finding, GroupAssignment, GroupMember, SupervisionGroup
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


def _answers(body: Any, code: int = 200) -> dict[int, Any]:
    return {code: body, **ERRORS}


class GroupFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))

    class Meta:
        model = SupervisionGroup
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary=_("督导组列表"), description=_("本单位派出的和本人所在的督导组，可按活动筛选。")),
    retrieve=extend_schema(summary=_("督导组详情"), responses=_answers(s.GroupSerializer)),
)
class GroupViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Supervision groups (督导组) with their members and assigned units."""

    queryset = SupervisionGroup.objects.all()
    serializer_class = s.GroupSerializer
    filterset_class = GroupFilterSet

    def get_permissions(self) -> list[permissions.BasePermission]:
        return [*super().get_permissions(), HoldsViewPerm()]  # type: ignore[list-item]

    def get_queryset(self) -> Any:
        ids = queries.visible_groups(self.request.user).values("pk")
        return (
            SupervisionGroup.objects.filter(pk__in=ids)
            .select_related("unit")
            .prefetch_related("members__user", "assignments__unit")
            .order_by("id")
        )

    def _managed(self) -> SupervisionGroup:
        group = self.get_object()
        if not queries.manages(self.request.user, group):
            raise NotAllowed(gettext("您无权管理该督导组。"))
        return group

    def _shown(self, group: SupervisionGroup, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=group.pk)
        return Response(s.GroupSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(summary=_("组建督导组"), request=s.GroupCreateInput, responses=_answers(s.GroupSerializer, 201))
    def create(self, request: Request) -> Response:
        if not scope.has_perm_anywhere(request.user, Perm.MANAGE_SUPERVISION):
            raise NotAllowed(gettext("您无权组建督导组。"))
        group = services.create_group(actor(request), **read_input(s.GroupCreateInput, request))
        return self._shown(group, status.HTTP_201_CREATED)

    @extend_schema(summary=_("修改督导组"), request=s.GroupUpdateInput, responses=_answers(s.GroupSerializer))
    def update(self, request: Request, pk: str | None = None) -> Response:
        group = self._managed()
        return self._shown(services.update_group(actor(request), group, **read_input(s.GroupUpdateInput, request)))

    @extend_schema(summary=_("修改督导组"), request=s.GroupUpdateInput, responses=_answers(s.GroupSerializer))
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self.update(request, pk)

    @extend_schema(summary=_("增加成员"), request=s.MemberInput, responses=_answers(s.GroupSerializer, 201))
    @action(detail=True, methods=["post"], url_path="members")
    def members(self, request: Request, pk: str | None = None) -> Response:
        group = self._managed()
        data = read_input(s.MemberInput, request)
        services.add_member(actor(request), group, data["user"], data["role"])
        return self._shown(group, status.HTTP_201_CREATED)

    @extend_schema(summary=_("移除成员"), request=s.MemberRemoveInput, responses=_answers(s.GroupSerializer))
    @action(detail=True, methods=["post"], url_path="remove-member")
    def remove_member(self, request: Request, pk: str | None = None) -> Response:
        group = self._managed()
        data = read_input(s.MemberRemoveInput, request)
        member = GroupMember.objects.filter(group=group, pk=data["member"]).select_related("group", "user").first()
        if member is None:
            raise exceptions.NotFound()
        services.remove_member(actor(request), member)
        return self._shown(group)

    @extend_schema(summary=_("分配督导对象"), request=s.AssignInput, responses=_answers(s.GroupSerializer, 201))
    @action(detail=True, methods=["post"], url_path="assign")
    def assign(self, request: Request, pk: str | None = None) -> Response:
        group = self._managed()
        data = read_input(s.AssignInput, request)
        services.assign_unit(actor(request), group, data["unit"], data["starts_on"], data.get("ends_on"))
        return self._shown(group, status.HTTP_201_CREATED)

    @extend_schema(summary=_("结束督导"), request=s.EndAssignmentInput, responses=_answers(s.GroupSerializer))
    @action(detail=True, methods=["post"], url_path="end-assignment")
    def end_assignment(self, request: Request, pk: str | None = None) -> Response:
        group = self._managed()
        data = read_input(s.EndAssignmentInput, request)
        found = GroupAssignment.objects.filter(group=group, pk=data["assignment"]).select_related("group").first()
        if found is None:
            raise exceptions.NotFound()
        services.end_assignment(actor(request), found, data["on"])
        return self._shown(group)


class FindingFilterSet(django_filters.FilterSet):
    group = IdFilter(field_name="group_id", label=_("督导组"))
    unit = IdFilter(field_name="unit_id", label=_("被督导单位"))
    state = django_filters.ChoiceFilter(choices=FindingState.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=FindingKind.choices, label=_("类型"))

    class Meta:
        model = Finding
        fields: list[str] = []


ACTIONS: dict[str, ApiAction] = {
    "confirm": ApiAction(s.NoteInput, lambda u, i, d: services.confirm_finding(u, i, **d)),
    "transfer": ApiAction(s.TransferInput, lambda u, i, d: services.transfer_finding(u, i, **d)),
    "dismiss": ApiAction(s.ReasonInput, lambda u, i, d: services.dismiss_finding(u, i, **d)),
}


@extend_schema_view(
    list=extend_schema(
        summary=_("督导发现列表"), description=_("当前用户范围内的督导发现，可按督导组、单位、状态、类型筛选。")
    ),
    retrieve=extend_schema(summary=_("督导发现详情"), responses=_answers(s.FindingSerializer)),
)
class FindingViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Findings of supervision groups (督导发现) and their lifecycle."""

    queryset = Finding.objects.select_related("group", "unit").order_by("-id")
    serializer_class = s.FindingSerializer
    filterset_class = FindingFilterSet

    def _shown(self, item: Finding, code: int = status.HTTP_200_OK) -> Response:
        shown = self.get_queryset().filter(pk=item.pk).first() or item
        return Response(s.FindingSerializer(shown, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary=_("记录督导发现"),
        description=_("督导组成员在本组当前督导的单位记录一条发现（草稿）。"),
        request=s.FindingCreateInput,
        responses=_answers(s.FindingSerializer, 201),
    )
    def create(self, request: Request) -> Response:
        data = read_input(s.FindingCreateInput, request)
        group = queries.visible_groups(request.user).filter(pk=data.pop("group")).first()
        if group is None:
            raise exceptions.ValidationError({"group": [gettext("督导组不存在。")]})
        data["visit_record"] = s.record_in_scope(request.user, data.pop("record"))
        item = services.record_finding(actor(request), group, **data)
        return self._shown(item, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("执行操作"),
        description=_(
            "name 为 confirm（确认，note，组长）、transfer（转为问题，channel 可省略，组长或派出单位）、"
            "dismiss（排除，reason，组长或派出单位）之一；各操作可带 version，与当前版本不符时返回 409。"
            "可执行的操作见 allowed_actions。"
        ),
        parameters=[OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(ACTIONS))],
        request=s.ActionInput,
        responses=_answers(s.FindingSerializer),
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[^/]+)")
    def actions(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        item = self.get_object()
        run_action(ACTIONS, name, request, item)
        return self._shown(item)
