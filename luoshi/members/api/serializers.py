"""Serializers of the member register API: the read shape (phone masked) and the input of create/update
(phone write-only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from luoshi.members.choices import MemberKind
from luoshi.members.models import Member
from luoshi.orgs.api.serializers import VisibleUnitField
from luoshi.orgs.models import Unit


class MemberSerializer(serializers.ModelSerializer[Member]):
    unit_name = serializers.CharField(source="unit.name", read_only=True, help_text=_("所在单位名称"))
    phone_masked = serializers.CharField(read_only=True, help_text=_("手机号（部分隐藏）"))
    has_login = serializers.SerializerMethodField(help_text=_("是否已关联登录账号"))

    class Meta:
        model = Member
        fields = [
            "id",
            "number",
            "name",
            "kind",
            "unit",
            "unit_name",
            "position",
            "phone_masked",
            "home_unit",
            "current_unit",
            "current_place",
            "latitude",
            "longitude",
            "active",
            "has_login",
        ]
        read_only_fields = fields

    def get_has_login(self, member: Member) -> bool:
        return member.user_id is not None


class MemberFieldsInput(serializers.Serializer[None]):
    """What create and update share; every field optional here (update changes only what is sent)."""

    number = serializers.CharField(max_length=30, required=False, help_text=_("编号，全名册唯一"))
    name = serializers.CharField(max_length=60, required=False)
    kind = serializers.ChoiceField(choices=MemberKind.choices, required=False)
    unit = VisibleUnitField(queryset=Unit.objects.none(), required=False, help_text=_("所在单位；修改即转到该单位"))
    position = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, write_only=True, help_text=_("11 位手机号；只写不读")
    )
    home_unit = VisibleUnitField(queryset=Unit.objects.none(), required=False, allow_null=True)
    current_unit = VisibleUnitField(queryset=Unit.objects.none(), required=False, allow_null=True)
    current_place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True
    )


class MemberCreateInput(MemberFieldsInput):
    number = serializers.CharField(max_length=30, help_text=_("编号，全名册唯一"))
    name = serializers.CharField(max_length=60)
    unit = VisibleUnitField(queryset=Unit.objects.none(), help_text=_("所在单位"))
