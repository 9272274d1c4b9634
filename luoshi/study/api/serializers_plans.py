"""Serializers of the study plan API (学习计划): the read shape with items and the input of each service."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luoshi.campaigns.api.serializers import VisibleCampaignField
from luoshi.campaigns.models import Campaign
from luoshi.core.filters import MAX_ID
from luoshi.orgs.api.serializers import VisibleUnitField
from luoshi.orgs.models import Unit
from luoshi.study import plans
from luoshi.study.choices import ClassKind
from luoshi.study.models import StudyPlan, StudyPlanItem


class StudyPlanItemSerializer(serializers.ModelSerializer[StudyPlanItem]):
    class Meta:
        model = StudyPlanItem
        fields = ["id", "topic", "planned_date", "half_days", "form", "done", "order"]
        read_only_fields = fields


class StudyPlanSerializer(serializers.ModelSerializer[StudyPlan]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    items = StudyPlanItemSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField(help_text=_("当前用户现在可以执行的操作"))

    class Meta:
        model = StudyPlan
        fields = [
            "id",
            "campaign",
            "unit",
            "unit_name",
            "title",
            "due_date",
            "state",
            "review_note",
            "items",
            "version",
            "allowed_actions",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, item: StudyPlan) -> list[str]:
        request = self.context.get("request")
        return plans.available_actions(request.user, item) if request is not None else []


class StudyPlanItemInput(serializers.Serializer):
    topic = serializers.CharField(max_length=plans.MAX_TOPIC, help_text=_("学习专题"))
    planned_date = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("计划时间"))
    half_days = serializers.IntegerField(min_value=1, max_value=plans.MAX_HALF_DAYS, default=1)
    form = serializers.ChoiceField(choices=ClassKind.choices, default=ClassKind.CENTRAL, help_text=_("学习形式"))


class StudyPlanFields(serializers.Serializer):
    title = serializers.CharField(max_length=plans.MAX_TITLE)
    due_date = serializers.DateField()
    items = serializers.ListField(
        child=StudyPlanItemInput(), required=False, default=list, max_length=plans.MAX_ITEMS, help_text=_("学习内容")
    )


class StudyPlanCreateInput(StudyPlanFields):
    campaign = VisibleCampaignField(queryset=Campaign.objects.all())
    unit = VisibleUnitField(queryset=Unit.objects.all(), help_text=_("制定计划的单位（领导班子）"))


class StudyPlanVersionInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("客户端看到的版本号；与当前版本不符时返回 409")
    )


class StudyPlanUpdateInput(StudyPlanFields, StudyPlanVersionInput):
    pass


class StudyPlanReturnInput(StudyPlanVersionInput):
    comments = serializers.CharField(allow_blank=True, max_length=plans.MAX_COMMENTS, help_text=_("审核意见"))


class StudyPlanApproveInput(StudyPlanVersionInput):
    comments = serializers.CharField(required=False, allow_blank=True, default="", max_length=plans.MAX_COMMENTS)


class StudyPlanCompleteInput(StudyPlanVersionInput):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class StudyPlanItemDoneInput(StudyPlanVersionInput):
    item = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("学习内容编号"))
    session = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID, help_text=_("学习场次（可选）")
    )


class StudyPlanActionInput(StudyPlanVersionInput):
    """Every field any action takes; each action reads only its own (see the description)."""

    comments = serializers.CharField(required=False, help_text=_("return、approve：审核意见"))
    note = serializers.CharField(required=False, help_text=_("complete：完成情况"))
    item = serializers.IntegerField(required=False, help_text=_("mark_done：学习内容编号"))
    session = serializers.IntegerField(required=False, help_text=_("mark_done：学习场次编号（可选）"))
