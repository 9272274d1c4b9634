from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from luoshi.orgs.models import Unit, UnitKind


class UnitSerializer(serializers.ModelSerializer[Unit]):
    kind: serializers.SlugRelatedField[UnitKind] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("单位类型代码")
    )
    kind_name = serializers.CharField(source="kind.name", read_only=True, help_text=_("单位类型名称"))
    parent_code = serializers.CharField(
        source="parent.code", read_only=True, allow_null=True, help_text=_("上级单位代码；顶级单位为 null")
    )

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_name",
            "parent",
            "parent_code",
            "path",
            "level",
            "member_count",
            "leaders",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
