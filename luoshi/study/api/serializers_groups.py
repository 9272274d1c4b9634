"""Serializers of the open study groups API (开放式学习小组): the read shape and the create input."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from luoshi.campaigns.api.serializers import VisibleCampaignField
from luoshi.orgs.api.serializers import VisibleUnitField
from luoshi.study.groups import MAX_CAPACITY
from luoshi.study.models import GroupMembership, StudyGroup


class StudyGroupSerializer(serializers.ModelSerializer[StudyGroup]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    joined = serializers.IntegerField(read_only=True, default=0, help_text=_("已加入人数"))

    class Meta:
        model = StudyGroup
        fields = [
            "id",
            "campaign",
            "unit",
            "unit_name",
            "name",
            "topic",
            "schedule",
            "address",
            "latitude",
            "longitude",
            "capacity",
            "is_open",
            "joined",
        ]
        read_only_fields = fields


class StudyGroupInput(serializers.Serializer):
    campaign = VisibleCampaignField(label=_("活动"))
    unit = VisibleUnitField(label=_("依托单位"))
    name = serializers.CharField(max_length=100, label=_("小组名称"))
    topic = serializers.CharField(max_length=200, label=_("学习主题"))
    schedule = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, label=_("地点"))
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=Decimal(-90), max_value=Decimal(90), required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=Decimal(-180), max_value=Decimal(180), required=False, allow_null=True
    )
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY, default=30)
    is_open = serializers.BooleanField(default=True)


class StudyGroupMembershipSerializer(serializers.ModelSerializer[GroupMembership]):
    class Meta:
        model = GroupMembership
        fields = ["id", "group", "member", "created_at"]
        read_only_fields = fields
