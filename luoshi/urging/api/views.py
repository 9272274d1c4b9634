"""Urging API: the urges in the caller's sight, urging many items, acknowledging; and the ``urge`` action every
tracked item's API gains from ``UrgeActionMixin``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.accounts.acting import actor
from luoshi.core.api import IdLookupMixin
from luoshi.urging import services
from luoshi.urging.api.serializers import AcknowledgeInput, UrgeInput, UrgeManyInput, UrgeSerializer
from luoshi.urging.models import Urge


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(summary=_("催办记录"), description=_("调用者可见的催办；todo=true 只列待本人签收的。")),
    retrieve=extend_schema(summary=_("一条催办")),
)
class UrgeViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Urges (催办): 提醒 → 催办 → 督办."""

    queryset = Urge.objects.none()
    serializer_class = UrgeSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Urge.objects.none()
        user = actor(self.request)
        services.require_reader(user)
        todo = self.request.query_params.get("todo") in ("1", "true")
        rows = services.to_acknowledge(user) if todo and self.action == "list" else services.visible(user)
        return rows.select_related("unit").order_by("-id")

    @extend_schema(summary=_("批量催办"), request=UrgeManyInput, responses={201: UrgeSerializer(many=True)})
    def create(self, request: Request) -> Response:
        services.require_reader(actor(request))
        data = _valid(UrgeManyInput, request)
        made = services.urge_ids(
            actor(request), data["object_type"], data["ids"], message=data["message"], level=data["level"]
        )
        return Response(UrgeSerializer(made, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("签收催办"), request=AcknowledgeInput, responses=UrgeSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        urge = self.get_object()
        data = _valid(AcknowledgeInput, request)
        return Response(UrgeSerializer(services.acknowledge(actor(request), urge, data.get("reply", ""))).data)


class UrgeActionMixin:
    """``POST …/{id}/urge/`` on a tracked item's viewset: urge the item's owner unit."""

    @extend_schema(summary=_("催办"), request=UrgeInput, responses={201: UrgeSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def urge(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()  # type: ignore[attr-defined]
        data = _valid(UrgeInput, request)
        made = services.urge(actor(request), [item], message=data["message"], level=data["level"])
        return Response(UrgeSerializer(made, many=True).data, status=status.HTTP_201_CREATED)
