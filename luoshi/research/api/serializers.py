"""Serializers of the research API: read shapes of directions, topics and plans, and the input of each service."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luoshi.campaigns.api.serializers import VisibleCampaignField
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.campaigns.queries import visible_campaigns
from luoshi.core.api import evidence_files_field
from luoshi.orgs.api.serializers import VisibleUnitField
from luoshi.orgs.models import Unit
from luoshi.research import queries, services
from luoshi.research.models import PlanConversion, PlanReview, ResearchDirection, ResearchPlan, ResearchTopic
from luoshi.visits.services import KINDS, MAX_HEADCOUNT, MAX_REASON


def _user(field: serializers.Field) -> Any:
    request = field.context.get("request")
    return request.user if request is not None else None


class VisibleTopicField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[ResearchTopic]:
        user = _user(self)
        return queries.topics_for(user) if user is not None else ResearchTopic.objects.none()


class VisibleDirectionField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[ResearchDirection]:
        user = _user(self)
        return queries.directions_for(user) if user is not None else ResearchDirection.objects.none()


class CampaignItemField(serializers.PrimaryKeyRelatedField):
    """A channel or aspect of a campaign the user takes part in."""

    def get_queryset(self) -> QuerySet[Any]:
        user = _user(self)
        model: Any = self.queryset.model if self.queryset is not None else Channel
        found = model.objects.all()
        return found.filter(campaign__in=visible_campaigns(user)) if user is not None else found.none()


# --- read shapes ---------------------------------------------------------------------------------------------------


class DirectionSerializer(serializers.ModelSerializer[ResearchDirection]):
    class Meta:
        model = ResearchDirection
        fields = ["id", "campaign", "name", "order"]
        read_only_fields = fields


class TopicSerializer(serializers.ModelSerializer[ResearchTopic]):
    direction_name = serializers.CharField(source="direction.name", read_only=True, default="")

    class Meta:
        model = ResearchTopic
        fields = ["id", "campaign", "direction", "direction_name", "title", "description", "is_counter_example"]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer[PlanReview]):
    reviewer = serializers.CharField(source="reviewer.display_name", read_only=True, default="")

    class Meta:
        model = PlanReview
        fields = ["round", "decision", "comments", "reviewer", "created_at"]
        read_only_fields = fields


class ConversionSerializer(serializers.ModelSerializer[PlanConversion]):
    class Meta:
        model = PlanConversion
        fields = ["id", "task", "problem", "created_at"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer[ResearchPlan]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    topic_title = serializers.CharField(source="topic.title", read_only=True)
    is_counter_example = serializers.BooleanField(source="topic.is_counter_example", read_only=True)
    reviews = ReviewSerializer(many=True, read_only=True)
    conversions = ConversionSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField(help_text=_("当前用户现在可以执行的操作"))

    class Meta:
        model = ResearchPlan
        fields = [
            "id",
            "campaign",
            "topic",
            "topic_title",
            "is_counter_example",
            "unit",
            "unit_name",
            "leader",
            "leader_name",
            "title",
            "questions",
            "team",
            "due_date",
            "state",
            "submissions",
            "result_summary",
            "reviews",
            "conversions",
            "version",
            "allowed_actions",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, item: ResearchPlan) -> list[str]:
        user = _user(self)
        return services.available_actions(user, item) if user is not None else []


# --- input ---------------------------------------------------------------------------------------------------------


class DirectionInput(serializers.Serializer):
    campaign = VisibleCampaignField(queryset=Campaign.objects.all())
    name = serializers.CharField(max_length=100)
    order = serializers.IntegerField(required=False, min_value=0, max_value=999, allow_null=True, default=None)


class TopicFields(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    direction = VisibleDirectionField(queryset=ResearchDirection.objects.all(), required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    is_counter_example = serializers.BooleanField(required=False, default=False)


class TopicInput(TopicFields):
    campaign = VisibleCampaignField(queryset=Campaign.objects.all())


class QuestionsField(serializers.ListField):
    """The 2–3 concrete problems, as a list of strings (or one string, a problem per line)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            data = data.splitlines()
        return super().to_internal_value(data)


def questions_field(required: bool) -> QuestionsField:
    return QuestionsField(
        child=serializers.CharField(allow_blank=True, max_length=services.MAX_QUESTION_LENGTH),
        max_length=10,
        required=required,
        default=list,
        help_text=_("拟研究的具体问题，2 至 3 个（提交审核前须填写）"),
    )


class PlanFields(serializers.Serializer):
    topic = VisibleTopicField(queryset=ResearchTopic.objects.all())
    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField()
    team = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    leader_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")

    def get_fields(self) -> dict[str, serializers.Field]:
        found = super().get_fields()
        found["questions"] = questions_field(required=False)
        return found


class PlanCreateInput(PlanFields):
    campaign = VisibleCampaignField(queryset=Campaign.objects.all())
    unit = VisibleUnitField(queryset=Unit.objects.all(), help_text=_("牵头单位"))


class PlanUpdateInput(PlanFields):
    version = serializers.IntegerField(required=False, min_value=1)


class VersionInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("客户端看到的版本号；与当前版本不符时返回 409")
    )


class CommentsInput(VersionInput):
    comments = serializers.CharField(allow_blank=True, max_length=5000, help_text=_("审核意见"))


class ApproveInput(VersionInput):
    comments = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ReportInput(VersionInput):
    summary = serializers.CharField(allow_blank=True, max_length=services.MAX_SUMMARY, help_text=_("调研成果"))

    def get_fields(self) -> dict[str, serializers.Field]:
        found = super().get_fields()
        found["files"] = evidence_files_field()
        return found


class ConvertTaskInput(VersionInput):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ConvertProblemInput(VersionInput):
    title = serializers.CharField(max_length=200)
    channel = CampaignItemField(queryset=Channel.objects.all())
    aspect = CampaignItemField(queryset=Aspect.objects.all())
    deadline = serializers.DateField()
    unit = VisibleUnitField(queryset=Unit.objects.all(), required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class VisitInput(serializers.Serializer):
    unit = VisibleUnitField(queryset=Unit.objects.all(), help_text=_("走访单位"))
    date = serializers.DateField()
    headcount = serializers.IntegerField(min_value=1, max_value=MAX_HEADCOUNT)
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=KINDS), min_length=1)
    team = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    purpose = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_REASON)


class ActionInput(VersionInput):
    """Every field any action takes; each action reads only its own (see the description)."""

    comments = serializers.CharField(required=False, help_text=_("return、approve：审核意见"))
    summary = serializers.CharField(required=False, help_text=_("report：调研成果（另附 files）"))
    title = serializers.CharField(required=False, help_text=_("convert_task、convert_problem：任务或问题名称"))
