"""Serializers of the livelihood projects API: the read shapes, and the input of each action."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luoshi.livelihood.models import LivelihoodProject, ProjectMilestone, ProjectTask
from luoshi.livelihood.tracker import PROJECTS
from luoshi.tracking import engine


class MilestoneSerializer(serializers.ModelSerializer[ProjectMilestone]):
    class Meta:
        model = ProjectMilestone
        fields = ["id", "name", "planned_on", "reached_on"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer[ProjectTask]):
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    percent = serializers.IntegerField(source="shown_percent", read_only=True)

    class Meta:
        model = ProjectTask
        fields = [
            "id",
            "name",
            "owner_unit",
            "owner_unit_name",
            "deadline",
            "weight",
            "percent",
            "state",
            "state_display",
            "light",
            "done_at",
            "version",
        ]
        read_only_fields = fields


class EvaluationSerializer(serializers.Serializer):
    satisfied = serializers.IntegerField(allow_null=True)
    basically_satisfied = serializers.IntegerField(allow_null=True)
    dissatisfied = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField()
    rate = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, help_text=_("满意率 =（满意 + 基本满意）/ 总数，百分比")
    )
    evaluated_at = serializers.DateTimeField(allow_null=True)


class ProjectSerializer(serializers.ModelSerializer[LivelihoodProject]):
    number = serializers.CharField(read_only=True)
    campaign_name = serializers.CharField(source="campaign.name", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    progress = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True, help_text=_("进度（%）"))

    class Meta:
        model = LivelihoodProject
        fields = [
            "id",
            "number",
            "campaign",
            "campaign_name",
            "title",
            "category",
            "category_display",
            "lead_unit",
            "lead_unit_name",
            "leader_name",
            "budget",
            "deadline",
            "state",
            "state_display",
            "light",
            "progress",
            "version",
        ]
        read_only_fields = fields


class ProjectDetailSerializer(ProjectSerializer):
    assisting_units: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tasks = TaskSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    evaluation = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [
            *ProjectSerializer.Meta.fields,
            "description",
            "assisting_units",
            "reported_percent",
            "stop_reason",
            "completed_at",
            "tasks",
            "milestones",
            "evaluation",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(EvaluationSerializer)
    def get_evaluation(self, project: LivelihoodProject) -> dict[str, Any]:
        return {
            "satisfied": project.satisfied,
            "basically_satisfied": project.basically_satisfied,
            "dissatisfied": project.dissatisfied,
            "total": project.evaluation_total,
            "rate": None if project.satisfaction_rate is None else str(project.satisfaction_rate),
            "evaluated_at": project.evaluated_at,
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, project: LivelihoodProject) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return engine.available_actions(PROJECTS, request.user, project)


# --- inputs ------------------------------------------------------------------------------------------

VERSION_HELP = _("客户端看到的版本号；与当前版本不符时返回 409")


class VersionInput(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1, help_text=VERSION_HELP)


class NoteInput(VersionInput):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReasonInput(VersionInput):
    reason = serializers.CharField(max_length=2000)


class EvaluationInput(NoteInput):
    satisfied = serializers.IntegerField(min_value=0, max_value=10_000_000)
    basically_satisfied = serializers.IntegerField(min_value=0, max_value=10_000_000)
    dissatisfied = serializers.IntegerField(min_value=0, max_value=10_000_000)


class ProgressInput(VersionInput):
    text = serializers.CharField(max_length=4000)
    percent = serializers.IntegerField(min_value=0, max_value=100)


class ActionInput(serializers.Serializer):
    """Every field any action takes; which ones each action needs is in the operation's description."""

    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)
    note = serializers.CharField(required=False, help_text=_("complete、evaluate：说明"))
    reason = serializers.CharField(required=False, help_text=_("stop：终止原因（必填）"))
    satisfied = serializers.IntegerField(required=False, min_value=0, help_text=_("evaluate：满意人数（必填）"))
    basically_satisfied = serializers.IntegerField(
        required=False, min_value=0, help_text=_("evaluate：基本满意人数（必填）")
    )
    dissatisfied = serializers.IntegerField(required=False, min_value=0, help_text=_("evaluate：不满意人数（必填）"))
    text = serializers.CharField(required=False, help_text=_("report_progress：进展情况（必填）"))
    percent = serializers.IntegerField(
        required=False, min_value=0, max_value=100, help_text=_("report_progress：完成进度 0–100（必填）")
    )
