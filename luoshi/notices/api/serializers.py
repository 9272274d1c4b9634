from __future__ import annotations

from rest_framework import serializers

from luoshi.notices.models import Notification


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "object_type", "object_id", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class MarkedSerializer(serializers.Serializer[dict[str, int]]):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")
