"""Serializers of the visit calendar API: the visit as read, the input of filing and of the dry run, rule hits."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from luoshi.campaigns.api.serializers import VisibleCampaignField
from luoshi.campaigns.models import Campaign
from luoshi.orgs.api.serializers import VisibleUnitField
from luoshi.orgs.models import Unit
from luoshi.visits.choices import RuleAction, RuleKind
from luoshi.visits.models import Visit, VisitRule
from luoshi.visits.services import KINDS, MAX_HEADCOUNT, MAX_LIMIT, MAX_REASON, MAX_WINDOW


class RuleHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    action = serializers.ChoiceField(choices=RuleAction.choices)
    limit = serializers.IntegerField()
    window_days = serializers.IntegerField()
    count = serializers.IntegerField()
    message = serializers.CharField()


class VisitSerializer(serializers.ModelSerializer[Visit]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    kinds = serializers.SerializerMethodField()
    warnings = RuleHitSerializer(many=True, read_only=True)
    filed_by = serializers.CharField(source="filed_by.display_name", read_only=True, default="")

    class Meta:
        model = Visit
        fields = [
            "id",
            "campaign",
            "unit",
            "unit_name",
            "date",
            "headcount",
            "team",
            "organiser",
            "organiser_key",
            "kinds",
            "purpose",
            "state",
            "warnings",
            "override_reason",
            "filed_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_kinds(self, visit: Visit) -> list[str]:
        return [kind for kind in KINDS if getattr(visit, kind)]


class VisitCheckInput(serializers.Serializer):
    campaign = VisibleCampaignField(queryset=Campaign.objects.all(), help_text=_("活动"))
    unit = VisibleUnitField(queryset=Unit.objects.all(), help_text=_("走访单位"))
    date = serializers.DateField(help_text=_("走访日期"))
    headcount = serializers.IntegerField(min_value=1, max_value=MAX_HEADCOUNT, help_text=_("人数"))
    organiser_key = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)


class VisitInput(VisitCheckInput):
    team = serializers.CharField(max_length=300, help_text=_("走访人员"))
    organiser = serializers.CharField(max_length=200, help_text=_("走访方（如：第三督导组）"))
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=KINDS), min_length=1, help_text=_("走访方式：hears、looks、checks、talks")
    )
    purpose = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)
    override_reason = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=MAX_REASON, help_text=_("触发提醒后仍需走访的理由")
    )


class VisitCheckResult(serializers.Serializer):
    hits = RuleHitSerializer(many=True)
    blocked = serializers.BooleanField()
    needs_reason = serializers.BooleanField()


class VisitRefusalSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[("needs_reason", "needs_reason"), ("blocked", "blocked")])
    detail = serializers.CharField()
    warnings = RuleHitSerializer(many=True)


class VisitCancelInput(serializers.Serializer):
    reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=500)


class VisitRuleSerializer(serializers.ModelSerializer[VisitRule]):
    class Meta:
        model = VisitRule
        fields = ["kind", "limit", "window_days", "action", "enabled"]


class VisitRuleRowInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, required=False)
    window_days = serializers.IntegerField(min_value=0, max_value=MAX_WINDOW, required=False)
    action = serializers.ChoiceField(choices=RuleAction.choices, required=False)
    enabled = serializers.BooleanField(required=False)


class VisitRulesInput(serializers.Serializer):
    rules = VisitRuleRowInput(many=True)

    def validate_rules(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [dict(row) for row in value]


RefusalSerializer = VisitRefusalSerializer  # the name the research API imports
