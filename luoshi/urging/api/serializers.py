from __future__ import annotations

from typing import Any

from rest_framework import serializers

from luoshi.urging.models import MESSAGE_MAX, Urge, UrgeLevel


class UrgeSerializer(serializers.ModelSerializer[Urge]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    is_acknowledged = serializers.BooleanField(read_only=True)

    class Meta:
        model = Urge
        fields = [
            "id",
            "object_type",
            "object_id",
            "title",
            "url",
            "unit",
            "unit_name",
            "level",
            "message",
            "created_at",
            "acknowledged_at",
            "reply",
            "is_acknowledged",
        ]
        read_only_fields = fields


class UrgeInput(serializers.Serializer[dict[str, Any]]):
    level = serializers.ChoiceField(choices=UrgeLevel.choices, default=UrgeLevel.URGE)
    message = serializers.CharField(max_length=MESSAGE_MAX)


class IdListField(serializers.ListField):
    """A list of ids; one id alone is taken as a list of one."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, int | str) and not isinstance(data, bool):
            data = [data]
        return super().to_internal_value(data)


class UrgeManyInput(UrgeInput):
    object_type = serializers.CharField(max_length=100, help_text="e.g. problems.problem, demands.demand")
    ids = IdListField(child=serializers.IntegerField(min_value=1, max_value=2**53), min_length=1, max_length=500)


class AcknowledgeInput(serializers.Serializer[dict[str, Any]]):
    reply = serializers.CharField(max_length=500, required=False, allow_blank=True)
