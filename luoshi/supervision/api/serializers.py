"""Serializers of the supervision API: groups with their members and assigned units, findings, and the input of
each service call."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.campaigns.api.serializers import VisibleCampaignField
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.campaigns.queries import visible_campaigns
from luoshi.orgs.api.serializers import VisibleUnitField
from luoshi.orgs.models import Unit
from luoshi.supervision import services
from luoshi.supervision.choices import FindingKind, MemberRole
from luoshi.supervision.models import Finding, GroupAssignment, GroupMember, SupervisionGroup, VisitRecord


def _user(context: dict[str, Any]) -> Any:
    request = context.get("request")
    return request.user if request is not None else None


class VisibleAspectField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[Aspect]:
        user = _user(self.context)
        if user is None:
            return Aspect.objects.none()
        return Aspect.objects.filter(campaign__in=visible_campaigns(user))


class VisibleChannelField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[Channel]:
        user = _user(self.context)
        if user is None:
            return Channel.objects.none()
        return Channel.objects.filter(campaign__in=visible_campaigns(user))


class CandidateField(serializers.PrimaryKeyRelatedField):
    """A user the office may put in a group (a role within its scope)."""

    def get_queryset(self) -> QuerySet[User]:
        user = _user(self.context)
        return services.member_candidates(user) if user is not None else User.objects.none()


class MemberSerializer(serializers.ModelSerializer[GroupMember]):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = GroupMember
        fields = ["id", "user", "username", "name", "role"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer[GroupAssignment]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = GroupAssignment
        fields = ["id", "unit", "unit_name", "starts_on", "ends_on"]
        read_only_fields = fields


class GroupSerializer(serializers.ModelSerializer[SupervisionGroup]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    members = MemberSerializer(many=True, read_only=True)
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = SupervisionGroup
        fields = [
            "id",
            "campaign",
            "unit",
            "unit_name",
            "name",
            "round",
            "note",
            "members",
            "assignments",
            "created_at",
        ]
        read_only_fields = fields


class GroupCreateInput(serializers.Serializer):
    campaign = VisibleCampaignField(queryset=Campaign.objects.all())
    unit = VisibleUnitField(queryset=Unit.objects.all(), help_text=_("派出单位"))
    name = serializers.CharField(max_length=100)
    round = serializers.IntegerField(min_value=1, max_value=99, default=1)
    note = serializers.CharField(allow_blank=True, required=False, default="")


class GroupUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    round = serializers.IntegerField(min_value=1, max_value=99, required=False)
    note = serializers.CharField(allow_blank=True, required=False)


class MemberInput(serializers.Serializer):
    user = CandidateField(queryset=User.objects.all())
    role = serializers.ChoiceField(choices=MemberRole.choices, default=MemberRole.MEMBER)


class MemberRemoveInput(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, max_value=2**62)


class AssignInput(serializers.Serializer):
    unit = VisibleUnitField(queryset=Unit.objects.all())
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


class EndAssignmentInput(serializers.Serializer):
    assignment = serializers.IntegerField(min_value=1, max_value=2**62)
    on = serializers.DateField()


class FindingSerializer(serializers.ModelSerializer[Finding]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True)
    allowed_actions = serializers.SerializerMethodField(help_text=_("当前用户现在可以执行的操作"))

    class Meta:
        model = Finding
        fields = [
            "id",
            "group",
            "group_name",
            "unit",
            "unit_name",
            "record",
            "aspect",
            "kind",
            "title",
            "description",
            "requirement",
            "due_date",
            "state",
            "dismiss_reason",
            "problem",
            "version",
            "created_at",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_allowed_actions(self, item: Finding) -> list[str]:
        user = _user(self.context)
        return services.available_actions(user, item) if user is not None else []


class FindingCreateInput(serializers.Serializer):
    group = serializers.IntegerField(min_value=1, max_value=2**62)
    unit = VisibleUnitField(queryset=Unit.objects.all())
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    kind = serializers.ChoiceField(choices=FindingKind.choices, default=FindingKind.PROBLEM)
    aspect = VisibleAspectField(queryset=Aspect.objects.all(), required=False, allow_null=True, default=None)
    requirement = serializers.CharField(allow_blank=True, required=False, default="")
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    record = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True, default=None)


class VersionInput(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class NoteInput(VersionInput):
    note = serializers.CharField(allow_blank=True, required=False, default="")


class ReasonInput(VersionInput):
    reason = serializers.CharField()


class TransferInput(VersionInput):
    channel = VisibleChannelField(queryset=Channel.objects.all(), required=False, allow_null=True, default=None)


class ActionInput(NoteInput):
    reason = serializers.CharField(required=False, help_text=_("排除理由（dismiss）"))
    channel = serializers.IntegerField(required=False, help_text=_("问题来源（transfer，可省略）"))


def record_in_scope(user: Any, pk: int | None) -> VisitRecord | None:
    if pk is None:
        return None
    found = VisitRecord.objects.visible_to(user, Perm.VIEW).filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({"record": [_("走访记录不存在。")]})
    return found
