"""The open study groups REST API: scoped list and detail, create (``ORGANISE_STUDY`` over the host unit), and
join and leave for the member linked to the caller's login. Writes go through ``luoshi.study.groups``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Count, F, Q
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.access import scope
from luoshi.access.api import ScopedViewSetMixin
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.filters import IdFilter, parse_id
from luoshi.core.paths import subtree_q
from luoshi.members.services import member_of
from luoshi.orgs.models import Unit
from luoshi.study import groups
from luoshi.study.api import serializers_groups as s
from luoshi.study.models import StudyGroup
from luoshi.tracking.api import read_input

ERRORS: dict[int, OpenApiResponse] = {
    code: OpenApiResponse(OpenApiTypes.OBJECT, description=text)
    for code, text in (
        (400, _("输入有误或违反业务规则（如小组已满员、账号未关联名册）")),
        (403, _("无权执行此操作")),
        (404, _("不存在或不在您的范围内")),
    )
}


class StudyGroupFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))
    unit = IdFilter(method="in_unit", label=_("单位（含下级）"))
    q = django_filters.CharFilter(method="search", label=_("名称、主题或地点"), max_length=50)
    space = django_filters.BooleanFilter(method="with_space", label=_("尚有名额"))

    class Meta:
        model = StudyGroup
        fields: list[str] = []

    def in_unit(self, queryset: Any, name: str, value: int) -> Any:
        unit = Unit.objects.filter(pk=value).first()
        return queryset.filter(subtree_q(unit.path)) if unit else queryset.none()

    def search(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(Q(name__icontains=value) | Q(topic__icontains=value) | Q(address__icontains=value))

    def with_space(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        full = Q(joined__gte=F("capacity")) | Q(is_open=False)
        return queryset.exclude(full) if value else queryset.filter(full)


@extend_schema_view(
    list=extend_schema(
        summary=_("学习小组列表"), description=_("可按活动、单位（含下级）、关键词、是否尚有名额筛选。")
    ),
    retrieve=extend_schema(summary=_("学习小组详情"), responses={200: s.StudyGroupSerializer, **ERRORS}),
)
class StudyGroupViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Open study groups (开放式学习小组) in the caller's scope."""

    queryset = StudyGroup.objects.select_related("unit").annotate(joined=Count("members")).order_by("-id")
    serializer_class = s.StudyGroupSerializer
    filterset_class = StudyGroupFilterSet

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action in ("join", "leave"):
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def _shown(self, group: StudyGroup, code: int = status.HTTP_200_OK) -> Response:
        shown = StudyGroup.objects.select_related("unit").annotate(joined=Count("members")).get(pk=group.pk)
        return Response(s.StudyGroupSerializer(shown).data, status=code)

    @extend_schema(
        summary=_("新建学习小组"), request=s.StudyGroupInput, responses={201: s.StudyGroupSerializer, **ERRORS}
    )
    def create(self, request: Request) -> Response:
        if not scope.has_perm_anywhere(request.user, Perm.ORGANISE_STUDY):
            raise NotAllowed(gettext("您无权组织学习小组。"))
        group = groups.create_group(actor(request), **read_input(s.StudyGroupInput, request))
        return self._shown(group, status.HTTP_201_CREATED)

    def _open_group(self) -> StudyGroup:
        wanted = parse_id(self.kwargs.get("pk", ""))
        group = StudyGroup.objects.filter(pk=wanted, is_open=True).first() if wanted else None
        if group is None:
            raise Http404
        return group

    def _member(self, request: Request) -> Any:
        member = member_of(request.user)
        if member is None:
            raise RuleViolation(gettext("您的账号尚未关联党员干部名册。"), "no_member")
        return member

    @extend_schema(summary=_("加入学习小组"), request=None, responses={200: s.StudyGroupSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def join(self, request: Request, pk: str | None = None) -> Response:
        group = self._open_group()
        groups.join_group(actor(request), group, self._member(request))
        return self._shown(group)

    @extend_schema(summary=_("退出学习小组"), request=None, responses={200: s.StudyGroupSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: str | None = None) -> Response:
        group = self._open_group()
        groups.leave_group(actor(request), group, self._member(request))
        return self._shown(group)
