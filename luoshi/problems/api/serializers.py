"""Serializers of the problems API: read shapes of the models, and input shapes of each service call."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luoshi.campaigns.api.serializers import VisibleCampaignField
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.core.api import evidence_files_field
from luoshi.orgs.models import Unit
from luoshi.problems import services
from luoshi.problems.choices import Kind, Severity
from luoshi.problems.models import (
    Evidence,
    ExtensionRequest,
    Measure,
    Problem,
    ProblemClass,
    ProblemEvent,
    ProgressEntry,
)


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """Finds only what the requesting user may see; anything else reads as "does not exist"."""

    def get_queryset(self) -> QuerySet[Any]:
        queryset: Any = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.visible_to(request.user)


class RefusalSerializer(serializers.Serializer):
    """What a refused call answers: a Chinese message and a machine-readable code."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)


# --- read shapes ---------------------------------------------------------------------------------


class MeasureSerializer(serializers.ModelSerializer[Measure]):
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "problem",
            "text",
            "is_innovation",
            "owner_unit",
            "owner_unit_name",
            "owner",
            "owner_name",
            "deadline",
            "state",
            "state_display",
            "done_at",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class ProblemSerializer(serializers.ModelSerializer[Problem]):
    number = serializers.CharField(read_only=True)
    channel_name = serializers.CharField(source="channel.name", read_only=True)
    aspect_name = serializers.CharField(source="aspect.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    responsible_leader_name = serializers.SerializerMethodField()
    problem_class_name = serializers.SerializerMethodField()
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    light_display = serializers.CharField(source="get_light_display", read_only=True)
    severity_display = serializers.CharField(source="get_severity_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "number",
            "campaign",
            "title",
            "description",
            "channel",
            "channel_name",
            "aspect",
            "aspect_name",
            "unit",
            "unit_name",
            "responsible_leader",
            "responsible_leader_name",
            "severity",
            "severity_display",
            "kind",
            "kind_display",
            "found_on",
            "deadline",
            "state",
            "state_display",
            "light",
            "light_display",
            "problem_class",
            "problem_class_name",
            "claimed_at",
            "closed_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_responsible_leader_name(self, problem: Problem) -> str:
        return str(problem.responsible_leader) if problem.responsible_leader_id else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_problem_class_name(self, problem: Problem) -> str:
        return problem.problem_class.name if problem.problem_class_id and problem.problem_class else ""


class ProblemDetailSerializer(ProblemSerializer):
    measures = MeasureSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField(help_text=_("当前用户现在可以执行的状态变更"))

    class Meta(ProblemSerializer.Meta):
        fields = [*ProblemSerializer.Meta.fields, "filed_by", "measures", "allowed_actions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, problem: Problem) -> list[str]:
        request = self.context.get("request")
        return services.allowed_actions(request.user, problem) if request is not None else []


class ProblemEventSerializer(serializers.ModelSerializer[ProblemEvent]):
    actor_name = serializers.SerializerMethodField()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ProblemEvent
        fields = ["id", "at", "actor", "actor_name", "kind", "kind_display", "from_state", "to_state", "note"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor_name(self, event: ProblemEvent) -> str:
        return str(event.actor) if event.actor_id else ""


class EvidenceSerializer(serializers.ModelSerializer[Evidence]):
    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "created_at"]
        read_only_fields = fields


class ProgressEntrySerializer(serializers.ModelSerializer[ProgressEntry]):
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressEntry
        fields = ["id", "problem", "measure", "author", "text", "evidence", "created_at"]
        read_only_fields = fields


class ExtensionRequestSerializer(serializers.ModelSerializer[ExtensionRequest]):
    requested_by_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "problem",
            "requested_by",
            "requested_by_name",
            "old_deadline",
            "new_deadline",
            "reason",
            "state",
            "state_display",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "decision_note",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_requested_by_name(self, ext: ExtensionRequest) -> str:
        return str(ext.requested_by)

    @extend_schema_field(OpenApiTypes.STR)
    def get_decided_by_name(self, ext: ExtensionRequest) -> str:
        return str(ext.decided_by) if ext.decided_by_id else ""


class ProblemClassSerializer(serializers.ModelSerializer[ProblemClass]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = ProblemClass
        fields = ["id", "campaign", "name", "description", "unit", "unit_name", "created_at"]
        read_only_fields = fields


# --- input shapes (one per service call) ----------------------------------------------------------


class ProblemVersionInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("客户端看到的版本号；与当前版本不符时返回 409")
    )


class ProblemCreateInput(serializers.Serializer):
    campaign = VisibleCampaignField(queryset=Campaign.objects.all())
    title = serializers.CharField(max_length=200, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    channel = serializers.PrimaryKeyRelatedField(queryset=Channel.objects.all())
    aspect = serializers.PrimaryKeyRelatedField(queryset=Aspect.objects.all())
    unit = VisibleRelatedField(queryset=Unit.objects.all())
    found_on = serializers.DateField()
    deadline = serializers.DateField()
    responsible_leader = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    severity = serializers.ChoiceField(choices=Severity.choices, default="normal")
    kind = serializers.ChoiceField(choices=Kind.choices, default="deadline")
    problem_class = VisibleRelatedField(
        queryset=ProblemClass.objects.all(), required=False, allow_null=True, default=None
    )


class ProblemUpdateInput(serializers.Serializer):
    """Only the fields sent are changed; ``version`` is required (optimistic locking)."""

    version = serializers.IntegerField(min_value=1, help_text=_("客户端看到的版本号；与当前版本不符时返回 409"))
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    channel = serializers.PrimaryKeyRelatedField(queryset=Channel.objects.all(), required=False)
    aspect = serializers.PrimaryKeyRelatedField(queryset=Aspect.objects.all(), required=False)
    unit = VisibleRelatedField(queryset=Unit.objects.all(), required=False)
    found_on = serializers.DateField(required=False)
    deadline = serializers.DateField(required=False)
    responsible_leader = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False, allow_null=True
    )
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    problem_class = VisibleRelatedField(queryset=ProblemClass.objects.all(), required=False, allow_null=True)


class RequestClosureInput(ProblemVersionInput):
    summary = serializers.CharField(allow_blank=True, help_text=_("整改情况说明"))


class ApproveClosureInput(ProblemVersionInput):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("审核意见"))


class ProblemReasonInput(ProblemVersionInput):
    reason = serializers.CharField(allow_blank=True, help_text=_("理由"))


class ExtensionRequestInput(ProblemVersionInput):
    new_deadline = serializers.DateField(help_text=_("申请的新时限"))
    reason = serializers.CharField(allow_blank=True, help_text=_("延期理由"))


class ExtensionDecisionInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("审批意见"))


class ProgressReportInput(ProblemVersionInput):
    text = serializers.CharField(allow_blank=True, help_text=_("进展情况"))
    measure = VisibleRelatedField(queryset=Measure.objects.all(), required=False, allow_null=True, default=None)
    files = evidence_files_field()


class MeasureCreateInput(serializers.Serializer):
    problem = VisibleRelatedField(queryset=Problem.objects.all())
    text = serializers.CharField(allow_blank=True, help_text=_("措施内容"))
    owner_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), help_text=_("牵头单位"))
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    owner_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    deadline = serializers.DateField(help_text=_("完成时限"))


class ProblemClassCreateInput(serializers.Serializer):
    campaign = VisibleCampaignField(queryset=Campaign.objects.all())
    unit = VisibleRelatedField(queryset=Unit.objects.all(), help_text=_("归口单位"))
    name = serializers.CharField(max_length=100, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
