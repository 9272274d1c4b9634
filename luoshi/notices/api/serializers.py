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


class PreferenceSerializer(serializers.Serializer[dict[str, object]]):
    email = serializers.BooleanField(help_text="Urgent notifications (urged, escalated) by e-mail at once.")
    sms = serializers.BooleanField(help_text="Urgent notifications by SMS at once, and the digest's SMS.")
    digest = serializers.BooleanField(help_text="The daily digest (每日汇总).")
    phone = serializers.CharField(
        write_only=True, required=False, allow_blank=True, help_text='The SMS number; "" removes it, absent keeps it.'
    )
    phone_masked = serializers.CharField(read_only=True)
