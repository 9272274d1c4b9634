"""Serializers of the suggestions API: the read shapes (suggesters only masked, private notes only for the office and
the referred unit) and the input of each service. Class names are unique in the project (the schema needs it)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luoshi.campaigns.api.serializers import VisibleCampaignField
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.campaigns.queries import visible_campaigns
from luoshi.livelihood.choices import Category as ProjectCategory
from luoshi.orgs.api.serializers import VisibleUnitField
from luoshi.orgs.models import Unit
from luoshi.suggestions import exports, queries, services
from luoshi.suggestions.choices import Adoption, SuggestionCategory
from luoshi.suggestions.models import AnswerTemplate, Suggestion, SuggestionConversion, SuggestionEvent, SuggestionGroup


def _user(field: Any) -> Any:
    request = field.context.get("request")
    return request.user if request is not None else None


class HandledGroupField(serializers.PrimaryKeyRelatedField):
    """A group of similar suggestions of a campaign whose office the user is."""

    def get_queryset(self) -> QuerySet[SuggestionGroup]:
        user = _user(self)
        if user is None:
            return SuggestionGroup.objects.none()
        return SuggestionGroup.objects.filter(campaign__in=queries.handled_campaigns(user))


class SuggestionCampaignItemField(serializers.PrimaryKeyRelatedField):
    """A channel or aspect of a campaign the user takes part in."""

    def get_queryset(self) -> QuerySet[Any]:
        user = _user(self)
        model: Any = self.queryset.model if self.queryset is not None else Channel
        found = model.objects.all()
        return found.filter(campaign__in=visible_campaigns(user)) if user is not None else found.none()


# --- read shapes ---------------------------------------------------------------------------------------------------


class SuggestionEventSerializer(serializers.ModelSerializer[SuggestionEvent]):
    actor = serializers.CharField(source="actor.display_name", read_only=True, default="")

    class Meta:
        model = SuggestionEvent
        fields = ["at", "kind", "from_state", "to_state", "note", "private", "actor"]
        read_only_fields = fields


class SuggestionConversionSerializer(serializers.ModelSerializer[SuggestionConversion]):
    class Meta:
        model = SuggestionConversion
        fields = ["id", "task", "problem", "proposal", "created_at"]
        read_only_fields = fields


class SuggestionSerializer(serializers.ModelSerializer[Suggestion]):
    unit_name = serializers.CharField(source="unit.name", read_only=True, default="")
    group_title = serializers.CharField(source="group.title", read_only=True, default="")
    suggester = serializers.SerializerMethodField(help_text=_("建议人（匿名、脱敏姓名或账号）"))
    phone = serializers.SerializerMethodField(help_text=_("联系电话（脱敏）"))
    conversions = SuggestionConversionSerializer(many=True, read_only=True)
    events = serializers.SerializerMethodField(help_text=_("办理记录；内部备注仅办公室和承办单位可见"))
    allowed_actions = serializers.SerializerMethodField(help_text=_("当前用户现在可以执行的操作"))

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "number",
            "campaign",
            "source",
            "category",
            "topic",
            "title",
            "content",
            "anonymous",
            "suggester",
            "phone",
            "group",
            "group_title",
            "unit",
            "unit_name",
            "referred_at",
            "deadline",
            "light",
            "answer",
            "answer_public",
            "answered_at",
            "adoption",
            "adoption_reason",
            "decided_at",
            "state",
            "version",
            "conversions",
            "events",
            "allowed_actions",
            "created_at",
        ]
        read_only_fields = fields

    def get_suggester(self, item: Suggestion) -> str:
        return exports.suggester(item)

    def get_phone(self, item: Suggestion) -> str:
        return "" if item.anonymous else item.phone_masked

    @extend_schema_field(SuggestionEventSerializer(many=True))
    def get_events(self, item: Suggestion) -> list[dict[str, Any]]:
        if not self.context.get("detail"):
            return []
        return list(SuggestionEventSerializer(queries.timeline(_user(self), item), many=True).data)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, item: Suggestion) -> list[str]:
        user = _user(self)
        return services.available_actions(user, item) if user is not None else []


class AnswerTemplateSerializer(serializers.ModelSerializer[AnswerTemplate]):
    class Meta:
        model = AnswerTemplate
        fields = ["id", "campaign", "title", "text", "created_at"]
        read_only_fields = fields


# --- input ---------------------------------------------------------------------------------------------------------


class SuggestionCreateInput(serializers.Serializer):
    campaign = VisibleCampaignField(queryset=Campaign.objects.all())
    category = serializers.ChoiceField(choices=SuggestionCategory.choices)
    topic = serializers.CharField(max_length=services.MAX_TOPIC, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=3000)
    anonymous = serializers.BooleanField(required=False, default=False)


class SuggestionVersionInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text=_("客户端看到的版本号；与当前版本不符时返回 409")
    )


class SuggestionTriageInput(SuggestionVersionInput):
    category = serializers.ChoiceField(choices=SuggestionCategory.choices)
    topic = serializers.CharField(max_length=services.MAX_TOPIC, required=False, allow_blank=True, default="")
    group = HandledGroupField(queryset=SuggestionGroup.objects.all(), required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=services.MAX_NOTE, required=False, allow_blank=True, default="")


class SuggestionReferInput(SuggestionVersionInput):
    unit = VisibleUnitField(queryset=Unit.objects.all(), help_text=_("承办单位"))
    deadline = serializers.DateField()
    note = serializers.CharField(max_length=services.MAX_NOTE, required=False, allow_blank=True, default="")


class SuggestionAnswerInput(SuggestionVersionInput):
    text = serializers.CharField(max_length=services.MAX_ANSWER, allow_blank=True)
    public = serializers.BooleanField(required=False, default=False)


class SuggestionDecideInput(SuggestionVersionInput):
    adoption = serializers.ChoiceField(choices=Adoption.choices)
    reason = serializers.CharField(max_length=services.MAX_REASON, allow_blank=True)


class SuggestionDismissInput(SuggestionVersionInput):
    reason = serializers.CharField(max_length=services.MAX_REASON, allow_blank=True)


class SuggestionNoteInput(serializers.Serializer):
    text = serializers.CharField(max_length=services.MAX_NOTE, allow_blank=True)


class SuggestionGroupInput(SuggestionVersionInput):
    group = HandledGroupField(
        queryset=SuggestionGroup.objects.all(), allow_null=True, help_text=_("同类建议；null 为移出")
    )


class SuggestionConvertTaskInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestionConvertProblemInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    channel = SuggestionCampaignItemField(queryset=Channel.objects.all())
    aspect = SuggestionCampaignItemField(queryset=Aspect.objects.all())
    deadline = serializers.DateField()
    unit = VisibleUnitField(queryset=Unit.objects.all(), required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestionConvertProposalInput(serializers.Serializer):
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=ProjectCategory.choices, required=False, default=ProjectCategory.OTHER)
    unit = VisibleUnitField(queryset=Unit.objects.all(), required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestionActionInput(SuggestionVersionInput):
    """Every field any action takes; each action reads only its own (see the description)."""

    text = serializers.CharField(required=False, help_text=_("answer：答复内容；note：内部备注"))
    reason = serializers.CharField(required=False, help_text=_("decide、dismiss：理由"))


class AnswerTemplateInput(serializers.Serializer):
    campaign = VisibleCampaignField(queryset=Campaign.objects.all())
    title = serializers.CharField(max_length=services.MAX_TEMPLATE_TITLE)
    text = serializers.CharField(max_length=services.MAX_ANSWER)


class AnswerTemplateFields(serializers.Serializer):
    title = serializers.CharField(max_length=services.MAX_TEMPLATE_TITLE)
    text = serializers.CharField(max_length=services.MAX_ANSWER)
