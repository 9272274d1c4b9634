"""Serializers of the key-task API: read shapes of the models, and the input of each service call."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luoshi.access.roles import Perm
from luoshi.campaigns.api.serializers import VisibleCampaignField
from luoshi.campaigns.models import Campaign
from luoshi.core.api import evidence_files_field
from luoshi.orgs.models import Unit, UnitKind
from luoshi.tasks import services
from luoshi.tasks.choices import OPEN_STATES, AssignRole, Cycle
from luoshi.tasks.models import (
    FinishRequest,
    Milestone,
    Task,
    TaskAssignment,
    TaskEvidence,
    TaskExtension,
    TaskProgress,
)

PERCENT_HELP = _("加权汇总的完成进度（0–100），没有可计的交办时为空")


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """Finds only what the requesting user may see; anything else reads as "does not exist"."""

    def get_queryset(self) -> QuerySet[Any]:
        queryset: Any = super().get_queryset()
        request = self.context.get("request")
        return queryset.visible_to(request.user, Perm.VIEW) if request is not None else queryset.none()


def _name(user: Any) -> str:
    return str(user) if user is not None else ""


# --- read shapes -------------------------------------------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer[Milestone]):
    class Meta:
        model = Milestone
        fields = ["id", "name", "due_on", "reached", "reached_on"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer[Task]):
    number = serializers.CharField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    source_name = serializers.CharField(source="source.name", read_only=True)
    cycle_display = serializers.CharField(source="get_cycle_display", read_only=True)
    percent = serializers.SerializerMethodField(help_text=PERCENT_HELP)

    class Meta:
        model = Task
        fields = [
            "id",
            "number",
            "campaign",
            "unit",
            "unit_name",
            "parent",
            "level",
            "title",
            "is_innovation",
            "source",
            "source_name",
            "description",
            "leader",
            "leader_name",
            "weight",
            "due_on",
            "cycle",
            "cycle_display",
            "percent",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True))
    def get_percent(self, task: Task) -> str | None:
        value = self.context.get("percents", {}).get(task.pk)
        return None if value is None else f"{Decimal(value):.1f}"


class TaskDetailSerializer(TaskSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    children = serializers.SerializerMethodField(help_text=_("子任务编号"))

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "milestones", "children"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_children(self, task: Task) -> list[int]:
        return list(task.children.order_by("id").values_list("id", flat=True))


class FinishRequestSerializer(serializers.ModelSerializer[FinishRequest]):
    requested_by_name = serializers.SerializerMethodField()

    class Meta:
        model = FinishRequest
        fields = ["id", "summary", "state", "requested_by", "requested_by_name", "decided_at", "decision_note"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_requested_by_name(self, finish: FinishRequest) -> str:
        return _name(finish.requested_by)


class TaskExtensionSerializer(serializers.ModelSerializer[TaskExtension]):
    requested_by_name = serializers.SerializerMethodField()

    class Meta:
        model = TaskExtension
        fields = [
            "id",
            "old_due",
            "new_due",
            "reason",
            "state",
            "requested_by",
            "requested_by_name",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_requested_by_name(self, ext: TaskExtension) -> str:
        return _name(ext.requested_by)


class AssignmentSerializer(serializers.ModelSerializer[TaskAssignment]):
    number = serializers.CharField(read_only=True)
    task_title = serializers.CharField(source="task.title", read_only=True)
    campaign = serializers.IntegerField(source="task.campaign_id", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    owner_name = serializers.SerializerMethodField()
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    light_display = serializers.CharField(source="get_light_display", read_only=True)
    overdue = serializers.SerializerMethodField(help_text=_("未办结且已过办理时限"))
    allowed_actions = serializers.SerializerMethodField(help_text=_("当前用户现在可以执行的操作"))

    class Meta:
        model = TaskAssignment
        fields = [
            "id",
            "number",
            "task",
            "task_title",
            "campaign",
            "unit",
            "unit_name",
            "parent",
            "role",
            "role_display",
            "owner",
            "owner_name",
            "due_on",
            "state",
            "state_display",
            "light",
            "light_display",
            "overdue",
            "signed_on",
            "closed_at",
            "percent",
            "last_report_on",
            "version",
            "allowed_actions",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_owner_name(self, item: TaskAssignment) -> str:
        return _name(item.owner)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, item: TaskAssignment) -> bool:
        return item.state in OPEN_STATES and item.due_on < timezone.localdate()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, item: TaskAssignment) -> list[str]:
        request = self.context.get("request")
        return services.available_actions(request.user, item) if request is not None else []


class AssignmentDetailSerializer(AssignmentSerializer):
    finish_requests = FinishRequestSerializer(many=True, read_only=True)
    extensions = TaskExtensionSerializer(many=True, read_only=True)

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "finish_requests", "extensions"]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer[TaskEvidence]):
    download = serializers.SerializerMethodField(help_text=_("下载地址（须登录，按范围校验）"))

    class Meta:
        model = TaskEvidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "download", "created_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_download(self, evidence: TaskEvidence) -> str:
        return reverse("tasks:evidence", args=[evidence.pk])


class ProgressSerializer(serializers.ModelSerializer[TaskProgress]):
    author_name = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = TaskProgress
        fields = [
            "id",
            "assignment",
            "author",
            "author_name",
            "text",
            "percent",
            "difficulties",
            "next_steps",
            "reported_on",
            "evidence",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_author_name(self, report: TaskProgress) -> str:
        return _name(report.author)


class AssignResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text=_("新交办的单位数"))
    skipped = serializers.IntegerField(help_text=_("已承办该任务而跳过的单位数"))
    ids = serializers.ListField(child=serializers.IntegerField(), help_text=_("新交办的编号"))


# --- input shapes --------------------------------------------------------------------------------------------------


class TaskCreateInput(serializers.Serializer):
    campaign = VisibleCampaignField(queryset=Campaign.objects.all())
    title = serializers.CharField(max_length=200, allow_blank=True)
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=40, help_text=_("任务来源名称，须是本活动设置的来源之一")
    )
    due_on = serializers.DateField(help_text=_("完成时限"))
    unit = VisibleRelatedField(
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("主办单位，默认活动单位"),
    )
    parent = VisibleRelatedField(  # type: ignore[assignment]
        queryset=Task.objects.all(), required=False, allow_null=True, default=None
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    leader = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    leader_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    weight = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal("0.01"), required=False, default=Decimal(1)
    )
    cycle = serializers.ChoiceField(choices=Cycle.choices, default=Cycle.MONTHLY)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        names = {s.name: s for s in services.sources_for(attrs["campaign"])}
        if attrs["source"] not in names:
            listed = gettext("、").join(names)
            raise serializers.ValidationError({"source": gettext("可选的任务来源：{names}。").format(names=listed)})
        return {**attrs, "source": names[attrs["source"]]}


class UnitsInput(serializers.Serializer):
    """One unit, or every unit of a kind under a root unit."""

    unit = VisibleRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True, default=None)
    kind = serializers.PrimaryKeyRelatedField(
        queryset=UnitKind.objects.all(), required=False, allow_null=True, default=None, help_text=_("单位类型")
    )
    subtree_root = VisibleRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True, default=None, help_text=_("按类型交办的上级单位")
    )
    due_on = serializers.DateField(help_text=_("办理时限"))
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False, allow_null=True, default=None
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unit, kind, root = attrs.pop("unit"), attrs.get("kind"), attrs.pop("subtree_root")
        if unit is None and not (kind and root):
            raise serializers.ValidationError(gettext("请提供 unit，或同时提供 kind 和 subtree_root。"))
        if unit is not None and (kind is not None or root is not None):
            raise serializers.ValidationError(gettext("unit 与 kind、subtree_root 只能二选一。"))
        return {**attrs, "units": [unit] if unit is not None else [], "root": root}


class AssignInput(UnitsInput):
    role = serializers.ChoiceField(choices=AssignRole.choices, default=AssignRole.LEAD)


class VersionInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("客户端看到的版本号；与当前版本不符时返回 409")
    )


class PassDownInput(UnitsInput, VersionInput):
    role = serializers.ChoiceField(choices=AssignRole.choices, required=False, allow_null=True, default=None)


class SummaryInput(VersionInput):
    summary = serializers.CharField(allow_blank=True, help_text=_("办结情况说明"))


class NoteInput(VersionInput):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("意见"))


class ReasonInput(VersionInput):
    reason = serializers.CharField(allow_blank=True, help_text=_("理由"))


class ExtensionInput(VersionInput):
    new_due = serializers.DateField(help_text=_("申请的新时限"))
    reason = serializers.CharField(allow_blank=True, help_text=_("延期理由"))


class DecisionInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("审批意见"))


class ProgressInput(VersionInput):
    text = serializers.CharField(allow_blank=True, help_text=_("进展情况"))
    percent = serializers.IntegerField(min_value=0, max_value=100, help_text=_("完成进度（0–100）"))
    difficulties = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("存在困难"))
    next_steps = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("下步打算"))
    files = evidence_files_field()


class ActionInput(VersionInput):
    """Every field any action takes; each action reads only its own (see the description)."""

    summary = serializers.CharField(required=False, help_text=_("request_finish：办结情况说明"))
    note = serializers.CharField(required=False, help_text=_("accept、approve_extension、reject_extension：意见"))
    reason = serializers.CharField(required=False, help_text=_("send_back、revoke、reopen、request_extension：理由"))
    new_due = serializers.DateField(required=False, help_text=_("request_extension：申请的新时限"))
    unit = serializers.IntegerField(required=False, help_text=_("pass_down：下级单位"))
    kind = serializers.IntegerField(required=False, help_text=_("pass_down：单位类型"))
    subtree_root = serializers.IntegerField(required=False, help_text=_("pass_down：按类型下达的上级单位"))
    due_on = serializers.DateField(required=False, help_text=_("pass_down：办理时限"))
    role = serializers.ChoiceField(choices=AssignRole.choices, required=False, help_text=_("pass_down：职责"))
    owner = serializers.IntegerField(required=False, help_text=_("pass_down：责任人"))
