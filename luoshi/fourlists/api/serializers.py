"""Serializers of the four lists' API: the plain items, their input, and the assembled lists."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from luoshi.campaigns.api.serializers import VisibleCampaignField
from luoshi.campaigns.models import Campaign
from luoshi.fourlists.choices import ItemStatus
from luoshi.fourlists.forms import PLAIN_KINDS
from luoshi.fourlists.models import ListItem
from luoshi.orgs.api.serializers import VisibleUnitField
from luoshi.orgs.models import Unit


class ListItemSerializer(serializers.ModelSerializer[ListItem]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = ListItem
        fields = ["id", "campaign", "unit", "unit_name", "kind", "title", "owner", "due_date", "status", "created_at"]
        read_only_fields = fields


class ListItemCreateInput(serializers.Serializer):
    campaign = VisibleCampaignField(label=_("活动"), queryset=Campaign.objects.all())
    unit = VisibleUnitField(label=_("单位"), queryset=Unit.objects.all())
    kind = serializers.ChoiceField(label=_("清单"), choices=PLAIN_KINDS)
    title = serializers.CharField(label=pgettext_lazy("list item", "事项"), max_length=200)
    owner = serializers.CharField(label=_("责任人"), max_length=60)
    due_date = serializers.DateField(label=_("完成时限"), required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(label=_("状态"), choices=ItemStatus.choices, default=ItemStatus.PLANNED)


class ListItemEditInput(serializers.Serializer):
    title = serializers.CharField(label=pgettext_lazy("list item", "事项"), max_length=200, required=False)
    owner = serializers.CharField(label=_("责任人"), max_length=60, required=False)
    due_date = serializers.DateField(label=_("完成时限"), required=False, allow_null=True)
    status = serializers.ChoiceField(label=_("状态"), choices=ItemStatus.choices, required=False)


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text=_("对象编号（按 source 区分对象类型）"))
    kind = serializers.CharField(help_text=_("清单：study、problem、research、innovation"))
    type = serializers.CharField(
        source="source",
        help_text=_("对象类型：item、problem、research_plan、task、measure、study_plan_item（学习计划中的学习内容）"),
    )
    title = serializers.CharField()
    owner = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    url = serializers.CharField()


class SectionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField(source="label")
    count = serializers.IntegerField()
    truncated = serializers.BooleanField()


@extend_schema_serializer(many=False)
class FourListsSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(source="campaign.pk")
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    counts = serializers.DictField(child=serializers.IntegerField())
    lists = SectionSerializer(source="sections", many=True)
    results = serializers.SerializerMethodField()

    def get_results(self, lists: Any) -> list[dict[str, Any]]:
        return [EntrySerializer(e).data for section in lists.sections for e in section.entries]


class InnovationMarkInput(serializers.Serializer):
    innovation = serializers.BooleanField(label=_("创新举措"), help_text=_("true 标记为创新举措，false 取消"))


class InnovationMarkSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    is_innovation = serializers.BooleanField()
    version = serializers.IntegerField()
