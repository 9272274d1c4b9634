"""The member register REST API (``/api/v1/members/``). Reads go through the scope layer (out of scope is 404);
writes through ``luoshi.members.services`` (lacking MANAGE_MEMBERS is 403, a broken rule such as a bad phone or
a number already used is 400). Phones are write-only; reads carry the masked phone."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.access.api import ScopedViewSetMixin
from luoshi.accounts.acting import actor
from luoshi.core.errors import NotAllowed
from luoshi.members import queries, services
from luoshi.members.api import serializers as s
from luoshi.members.filters import MemberFilterSet
from luoshi.members.models import Member
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


@extend_schema_view(
    list=extend_schema(
        summary=_("党员干部名册"), description=_("可按单位（含下级）、类别、关键词 q、在册状态 status 筛选。")
    ),
    retrieve=extend_schema(summary=_("党员干部详情"), responses=_answers(s.MemberSerializer)),
)
class MemberViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Members (党员/干部) in the user's scope; phones masked."""

    queryset = Member.objects.select_related("unit").order_by("org_path", "number", "id")
    serializer_class = s.MemberSerializer
    filterset_class = MemberFilterSet

    @extend_schema(summary=_("新增党员干部"), request=s.MemberCreateInput, responses=_answers(s.MemberSerializer, 201))
    def create(self, request: Request) -> Response:
        user = actor(request)
        if not queries.can_manage_any(user):
            raise NotAllowed(gettext("您无权管理党员干部名册。"))
        data = read_input(s.MemberCreateInput, request)
        member = services.create_member(user, **data)
        return Response(s.MemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改党员干部"),
        description=_("只修改提交的字段；phone 为空字符串时清除手机号；unit 不同则转到该单位（需同时管理两个单位）。"),
        request=s.MemberFieldsInput,
        responses=_answers(s.MemberSerializer),
    )
    def update(self, request: Request, pk: str | None = None) -> Response:
        member = self.get_object()
        user = actor(request)
        if not queries.manages(user, member):
            raise NotAllowed(gettext("您无权修改该人员。"))
        data = read_input(s.MemberFieldsInput, request)
        unit, phone = data.pop("unit", None), data.pop("phone", None)
        with transaction.atomic():
            if unit is not None and unit.pk != member.unit_id:
                services.move_member(user, member, unit)
            member = services.update_member(user, member, phone=phone, **data)
        return Response(s.MemberSerializer(member).data)

    @extend_schema(
        summary=_("修改党员干部（部分字段）"), request=s.MemberFieldsInput, responses=_answers(s.MemberSerializer)
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self.update(request, pk)
