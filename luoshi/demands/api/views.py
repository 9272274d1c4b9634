"""The demands REST API for staff. Querysets go through the scope layer (out of scope is 404), every write
goes through ``luoshi.demands.services`` (no permission 403, a broken rule 400, a stale ``version`` 409),
exactly as on the pages. Citizens' phones are only ever masked, except through ``reveal`` (audited).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.access import scope
from luoshi.access.api import ScopedViewSetMixin
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.core.errors import NotAllowed
from luoshi.demands import queries, services
from luoshi.demands.api import serializers as s
from luoshi.demands.filters import DemandExtensionFilterSet, DemandFilterSet
from luoshi.demands.models import Demand, DemandExtension
from luoshi.urging.api.views import UrgeActionMixin


def _input(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(summary=_("诉求工单列表"), description=_("当前用户范围内的工单，筛选条件同列表页。")),
    retrieve=extend_schema(summary=_("诉求工单详情"), responses=s.DemandDetailSerializer),
)
class DemandViewSet(
    UrgeActionMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Citizen demands (诉求工单) and one action per lifecycle step."""

    view_perm = Perm.VIEW_DEMANDS
    queryset = Demand.objects.select_related(*queries.LIST_RELATED).order_by("-received_at", "-id")
    serializer_class = s.DemandSerializer
    filterset_class = DemandFilterSet

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return s.DemandSerializer if self.action == "list" else s.DemandDetailSerializer

    def _detail(self, demand: Demand, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.DemandDetailSerializer(demand, context=self.get_serializer_context()).data, status=code)

    @extend_schema(summary=_("受理诉求"), request=s.ReceiveInput, responses={201: s.DemandDetailSerializer})
    def create(self, request: Request) -> Response:
        if not scope.has_perm_anywhere(request.user, Perm.RECEIVE_DEMAND):
            raise NotAllowed(gettext("您无权受理诉求。"))
        demand = services.receive_demand(actor(request), **_input(s.ReceiveInput, request))
        return self._detail(demand, status.HTTP_201_CREATED)

    @extend_schema(summary=_("派单"), request=s.DispatchInput, responses=s.DemandDetailSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_to(self, request: Request, pk: str | None = None) -> Response:
        demand, data = self.get_object(), _input(s.DispatchInput, request)
        return self._detail(services.dispatch(actor(request), demand, **data))

    @extend_schema(summary=_("签收"), request=s.VersionInput, responses=s.DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        demand, data = self.get_object(), _input(s.VersionInput, request)
        return self._detail(services.sign(actor(request), demand, **data))

    @extend_schema(summary=_("联系群众"), request=s.NoteInput, responses=s.DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str | None = None) -> Response:
        demand, data = self.get_object(), _input(s.NoteInput, request)
        return self._detail(services.respond(actor(request), demand, **data))

    @extend_schema(summary=_("办结"), request=s.FinishInput, responses=s.DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request: Request, pk: str | None = None) -> Response:
        demand, data = self.get_object(), _input(s.FinishInput, request)
        return self._detail(services.finish(actor(request), demand, **data))

    @extend_schema(summary=_("退单"), request=s.ReasonInput, responses=s.DemandDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_demand(self, request: Request, pk: str | None = None) -> Response:
        demand, data = self.get_object(), _input(s.ReasonInput, request)
        return self._detail(services.return_demand(actor(request), demand, **data))

    @extend_schema(summary=_("回访"), request=s.CallBackInput, responses=s.DemandDetailSerializer)
    @action(detail=True, methods=["post"], url_path="call-back")
    def call_back(self, request: Request, pk: str | None = None) -> Response:
        demand, data = self.get_object(), _input(s.CallBackInput, request)
        return self._detail(services.call_back(actor(request), demand, **data))

    @extend_schema(summary=_("重办"), request=s.ReasonInput, responses=s.DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def redo(self, request: Request, pk: str | None = None) -> Response:
        demand, data = self.get_object(), _input(s.ReasonInput, request)
        return self._detail(services.redo(actor(request), demand, **data))

    @extend_schema(summary=_("归档"), request=s.VersionInput, responses=s.DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str | None = None) -> Response:
        demand, data = self.get_object(), _input(s.VersionInput, request)
        return self._detail(services.archive(actor(request), demand, **data))

    @extend_schema(summary=_("督办"), request=s.ReasonInput, responses=s.DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str | None = None) -> Response:
        demand, data = self.get_object(), _input(s.ReasonInput, request)
        return self._detail(services.escalate(actor(request), demand, reason=data["reason"]))

    @extend_schema(summary=_("申请延期"), request=s.ExtensionInput, responses={201: s.DemandExtensionSerializer})
    @action(detail=True, methods=["post"])
    def extensions(self, request: Request, pk: str | None = None) -> Response:
        demand, data = self.get_object(), _input(s.ExtensionInput, request)
        ext = services.request_extension(actor(request), demand, **data)
        return Response(s.DemandExtensionSerializer(ext).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("查看群众联系方式（记入审计）"), request=None, responses=s.CitizenSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str | None = None) -> Response:
        name, phone = services.reveal_citizen(actor(request), self.get_object())
        return Response({"name": name, "phone": phone}, headers={"Cache-Control": "no-store"})

    @extend_schema(summary=_("转为问题"), request=s.LinkProblemInput, responses=s.DemandDetailSerializer)
    @action(detail=True, methods=["post"], url_path="link-problem")
    def link_problem(self, request: Request, pk: str | None = None) -> Response:
        demand, data = self.get_object(), _input(s.LinkProblemInput, request)
        return self._detail(services.link_problem(actor(request), demand, data["problem"]))

    @extend_schema(summary=_("办理记录"), request=None, responses=s.DemandEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def events(self, request: Request, pk: str | None = None) -> Response:
        events = self.get_object().events.select_related("actor").order_by("at", "id")
        return Response(s.DemandEventSerializer(events, many=True).data)


@extend_schema_view(
    list=extend_schema(summary=_("诉求延期申请列表")),
    retrieve=extend_schema(summary=_("诉求延期申请详情")),
)
class DemandExtensionViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Extension requests of demands (延期申请) and their approval."""

    view_perm = Perm.VIEW_DEMANDS
    queryset = DemandExtension.objects.order_by("-id")
    serializer_class = s.DemandExtensionSerializer
    filterset_class = DemandExtensionFilterSet

    @extend_schema(summary=_("同意延期"), request=s.DecisionInput, responses=s.DemandExtensionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return Response(s.DemandExtensionSerializer(services.approve_extension(actor(request), self.get_object())).data)

    @extend_schema(summary=_("不同意延期"), request=s.DecisionInput, responses=s.DemandExtensionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        ext, data = self.get_object(), _input(s.DecisionInput, request)
        return Response(s.DemandExtensionSerializer(services.reject_extension(actor(request), ext, **data)).data)
