from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers

from luoshi.campaigns.models import Aspect, Campaign, Channel, Phase
from luoshi.campaigns.queries import visible_campaigns


class VisibleCampaignField(serializers.PrimaryKeyRelatedField):
    """Finds only campaigns the requesting user sees; anything else reads as "does not exist"."""

    def get_queryset(self) -> QuerySet[Campaign]:
        request = self.context.get("request")
        return visible_campaigns(request.user) if request is not None else Campaign.objects.none()


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["id", "name", "starts_on", "ends_on", "order"]


class ChannelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Channel
        fields = ["id", "name", "order"]


class AspectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Aspect
        fields = ["id", "name", "order"]


class CampaignSerializer(serializers.ModelSerializer):
    """A campaign (活动) with its phases, problem channels and aspects."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    phases = PhaseSerializer(many=True, read_only=True)
    channels = ChannelSerializer(many=True, read_only=True)
    aspects = AspectSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "unit",
            "unit_name",
            "unit_code",
            "starts_on",
            "ends_on",
            "description",
            "yellow_days",
            "is_active",
            "version",
            "phases",
            "channels",
            "aspects",
        ]
        read_only_fields = fields
