from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from luoshi.access.roles import Perm
from luoshi.orgs.models import Unit, UnitKind


class VisibleUnitField(serializers.PrimaryKeyRelatedField):
    """Finds only units the requesting user sees; anything else reads as "does not exist"."""

    def get_queryset(self) -> QuerySet[Unit]:
        request = self.context.get("request")
        return Unit.objects.visible_to(request.user, Perm.VIEW) if request is not None else Unit.objects.none()


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
