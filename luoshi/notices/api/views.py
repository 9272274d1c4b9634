"""The inbox API: the caller's own notifications only (anyone else's id is 404), marked read by POST."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from luoshi.accounts.acting import actor
from luoshi.core.api import IdLookupMixin
from luoshi.notices import services
from luoshi.notices.api.serializers import MarkedSerializer, NotificationSerializer, PreferenceSerializer
from luoshi.notices.filters import NotificationFilterSet
from luoshi.notices.models import Notification


@extend_schema_view(
    list=extend_schema(summary=_("我的消息"), description=_("当前用户自己的消息，最新的在前；可按未读、类型筛选。")),
)
class NotificationViewSet(IdLookupMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's notifications (消息提醒)."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return services.inbox(actor(self.request)).order_by("-id")

    @extend_schema(summary=_("标为已读"), request=None, responses=MarkedSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notice = self.get_object()
        return Response({"marked": services.mark_read(actor(request), [notice.pk])})

    @extend_schema(summary=_("全部标为已读"), request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.mark_all_read(actor(request))})

    @extend_schema(
        summary=_("我的消息设置"), request=PreferenceSerializer, responses=PreferenceSerializer, methods=["GET", "PUT"]
    )
    @action(detail=False, methods=["get", "put"], url_path="preferences")
    def preferences(self, request: Request) -> Response:
        user = actor(request)
        if request.method == "PUT":
            given = PreferenceSerializer(data=request.data)
            given.is_valid(raise_exception=True)
            data = given.validated_data
            services.set_preferences(
                user, email=data["email"], sms=data["sms"], digest=data["digest"], phone=data.get("phone")
            )
        pref = services.preferences_of(user)
        shown = {"email": pref.email, "sms": pref.sms, "digest": pref.digest, "phone_masked": pref.phone_masked}
        return Response(PreferenceSerializer(shown).data)
