"""Serializers of the collection API: read shapes of the models, and the input of each service call."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luoshi.access.roles import Perm
from luoshi.campaigns.api.serializers import VisibleCampaignField
from luoshi.campaigns.models import Campaign
from luoshi.collection import services
from luoshi.collection.choices import Cycle
from luoshi.collection.models import CollectionRound, CollectionTemplate, Submission
from luoshi.orgs.models import Unit, UnitKind


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """Finds only what the requesting user may see; anything else reads as "does not exist"."""

    def get_queryset(self) -> QuerySet[Any]:
        queryset: Any = super().get_queryset()
        request = self.context.get("request")
        return queryset.visible_to(request.user, Perm.VIEW) if request is not None else queryset.none()


FIELD_HELP = _(
    "字段列表，每项 {key, label, kind, required, help, min, max, options}；"
    "kind 为 integer、decimal、text、choice、date、file"
)
RULE_HELP = _("校验规则列表：{kind: lte, left, right}（A ≤ B）或 {kind: sum, parts: [a, b], total: c}（A + B = C）")


class TemplateSerializer(serializers.ModelSerializer[CollectionTemplate]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    target_kind: serializers.SlugRelatedField[UnitKind] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    family = serializers.IntegerField(source="family_id", read_only=True)

    class Meta:
        model = CollectionTemplate
        fields = [
            "id",
            "family",
            "number",
            "is_current",
            "campaign",
            "unit",
            "unit_name",
            "target_kind",
            "name",
            "description",
            "cycle",
            "fields",
            "rules",
            "created_at",
        ]
        read_only_fields = fields


class Counts(serializers.Serializer):
    pending = serializers.IntegerField()
    draft = serializers.IntegerField()
    submitted = serializers.IntegerField()
    accepted = serializers.IntegerField()
    returned = serializers.IntegerField()
    late = serializers.IntegerField()
    total = serializers.IntegerField()


class RoundSerializer(serializers.ModelSerializer[CollectionRound]):
    title = serializers.CharField(read_only=True)
    counts = serializers.SerializerMethodField(help_text=_("当前用户可见单位按状态的计数，含逾期数"))

    class Meta:
        model = CollectionRound
        fields = [
            "id",
            "template",
            "title",
            "period_label",
            "period_start",
            "period_end",
            "deadline",
            "counts",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(Counts)
    def get_counts(self, item: CollectionRound) -> dict[str, int]:
        found = self.context.get("counts", {}).get(item.pk)
        return found.as_dict() if found is not None else {}


class SubmissionSerializer(serializers.ModelSerializer[Submission]):
    number = serializers.CharField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    overdue = serializers.BooleanField(read_only=True, help_text=_("逾期：截止后报送，或截止后仍未报送"))
    allowed_actions = serializers.SerializerMethodField(help_text=_("当前用户现在可以执行的操作"))

    class Meta:
        model = Submission
        fields = [
            "id",
            "number",
            "round",
            "unit",
            "unit_name",
            "state",
            "values",
            "submitted_at",
            "late",
            "overdue",
            "return_reason",
            "version",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, item: Submission) -> list[str]:
        request = self.context.get("request")
        return services.available_actions(request.user, item) if request is not None else []


# --- input ---------------------------------------------------------------------------------------------------------


class DefinitionInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    cycle = serializers.ChoiceField(choices=Cycle.choices, default=Cycle.WEEKLY)
    target_kind = serializers.SlugRelatedField(
        slug_field="code", queryset=UnitKind.objects.all(), required=False, allow_null=True, default=None
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")

    def get_fields(self) -> dict[str, serializers.Field]:
        """``fields`` names the template's fields in the body; a declared attribute of that name would hide the
        serializer's own ``fields``."""
        found = super().get_fields()
        found["fields"] = serializers.ListField(child=serializers.DictField(), help_text=FIELD_HELP)
        found["rules"] = serializers.ListField(
            child=serializers.DictField(), required=False, default=list, help_text=RULE_HELP
        )
        return found


class TemplateCreateInput(DefinitionInput):
    campaign = VisibleCampaignField(queryset=Campaign.objects.all())
    unit = VisibleRelatedField(queryset=Unit.objects.all(), help_text=_("报送范围：该单位下的单位须报送"))


class RoundCreateInput(serializers.Serializer):
    template = VisibleRelatedField(queryset=CollectionTemplate.objects.all())
    period_label = serializers.CharField(max_length=40, required=False, help_text=_("省略时按周期取下一期"))
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    deadline = serializers.DateField(required=False)


class VersionInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("客户端看到的版本号；与当前版本不符时返回 409")
    )


class ValuesInput(VersionInput):
    values = serializers.DictField(required=False, help_text=_("按字段标识填写的内容"))


class NoteInput(VersionInput):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("审核意见"))


class ReasonInput(VersionInput):
    reason = serializers.CharField(allow_blank=True, help_text=_("退回理由"))


class ActionInput(VersionInput):
    """Every field any action takes; each action reads only its own (see the description)."""

    values = serializers.DictField(required=False, help_text=_("save、submit：按字段标识填写的内容"))
    note = serializers.CharField(required=False, help_text=_("accept：审核意见"))
    reason = serializers.CharField(required=False, help_text=_("return：退回理由"))
