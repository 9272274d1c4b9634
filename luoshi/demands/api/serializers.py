"""Serializers of the demands API: read shapes (phones only masked, names never) and service inputs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luoshi.access.roles import Perm
from luoshi.demands.choices import DemandKind, Outcome, Satisfaction
from luoshi.demands.models import Category, Company, Demand, DemandChannel, DemandEvent, DemandExtension, Project
from luoshi.demands.services import DEMANDS
from luoshi.orgs.models import Unit
from luoshi.problems.models import Problem
from luoshi.tracking import engine


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """Finds only what the requesting user holds ``perm`` over; anything else reads as "does not exist"."""

    def __init__(self, perm: str = Perm.VIEW_DEMANDS, **kwargs: Any) -> None:
        self.perm = perm
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        queryset: Any = super().get_queryset()
        request = self.context.get("request")
        return queryset.visible_to(request.user, self.perm) if request is not None else queryset.none()


class DemandSerializer(serializers.ModelSerializer[Demand]):
    channel_name = serializers.CharField(source="channel.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    handling_unit_name = serializers.CharField(source="handling_unit.name", read_only=True, default=None)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    citizen_phone = serializers.CharField(source="citizen_phone_masked", read_only=True)

    class Meta:
        model = Demand
        fields = [
            "id",
            "number",
            "channel",
            "channel_name",
            "category",
            "category_name",
            "kind",
            "urgent",
            "title",
            "address",
            "citizen_phone",
            "dispatcher_unit",
            "handling_unit",
            "handling_unit_name",
            "company",
            "project",
            "state",
            "state_display",
            "received_at",
            "resolve_due",
            "escalated",
            "version",
        ]
        read_only_fields = fields


class DemandDetailSerializer(DemandSerializer):
    allowed_actions = serializers.SerializerMethodField(help_text=_("当前用户现在可以执行的操作（与详情页按钮一致）"))

    class Meta(DemandSerializer.Meta):
        fields = [
            *DemandSerializer.Meta.fields,
            "content",
            "latitude",
            "longitude",
            "dispatched_at",
            "signed_at",
            "responded_at",
            "finished_at",
            "called_back_at",
            "archived_at",
            "sign_due",
            "respond_due",
            "callback_due",
            "responded_on_time",
            "finished_on_time",
            "outcome",
            "explanation",
            "satisfaction",
            "redo_count",
            "unit_hops",
            "problem",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, demand: Demand) -> list[str]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return engine.available_actions(DEMANDS, user, demand) if user is not None and user.is_authenticated else []


class DemandEventSerializer(serializers.ModelSerializer[DemandEvent]):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    actor_name = serializers.CharField(source="actor.display_name", read_only=True, default=None)

    class Meta:
        model = DemandEvent
        fields = ["id", "at", "kind", "kind_display", "actor_name", "from_state", "to_state", "unit", "note"]
        read_only_fields = fields


class DemandExtensionSerializer(serializers.ModelSerializer[DemandExtension]):
    class Meta:
        model = DemandExtension
        fields = ["id", "demand", "days", "reason", "old_due", "new_due", "state", "decided_at", "created_at"]
        read_only_fields = fields


class CitizenSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()


# --- inputs of the service calls --------------------------------------------------------------------


class ReceiveInput(serializers.Serializer):
    channel = serializers.PrimaryKeyRelatedField(queryset=DemandChannel.objects.all(), label=_("渠道"))
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), label=_("分类"))
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=10000)
    citizen_name = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    citizen_phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    kind = serializers.ChoiceField(choices=DemandKind.choices, default=DemandKind.HELP)
    urgent = serializers.BooleanField(default=False)
    address = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    company = ScopedRelatedField(queryset=Company.objects.all(), required=False, allow_null=True)
    project = ScopedRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)
    intake_unit = ScopedRelatedField(
        perm=Perm.RECEIVE_DEMAND, queryset=Unit.objects.all(), required=False, allow_null=True
    )


class VersionInput(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True)


class DispatchInput(VersionInput):
    unit = ScopedRelatedField(perm=Perm.DISPATCH_DEMAND, queryset=Unit.objects.all())
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class NoteInput(VersionInput):
    note = serializers.CharField(max_length=4000)


class FinishInput(VersionInput):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    explanation = serializers.CharField(max_length=4000)


class ReasonInput(VersionInput):
    reason = serializers.CharField(max_length=2000)


class CallBackInput(VersionInput):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ExtensionInput(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=10)
    reason = serializers.CharField(max_length=2000)


class DecisionInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class LinkProblemInput(serializers.Serializer):
    problem = ScopedRelatedField(perm=Perm.EDIT_PROBLEM, queryset=Problem.objects.all())
