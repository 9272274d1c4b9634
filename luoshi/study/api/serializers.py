"""Serializers of the study API (classes, sessions, attendance, coverage): read shapes and service inputs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from luoshi.access.roles import Perm
from luoshi.campaigns.api.serializers import VisibleCampaignField
from luoshi.orgs.api.serializers import VisibleUnitField
from luoshi.study.choices import AttendanceStatus, ClassKind, HalfDay
from luoshi.study.models import Attendance, StudyClass, StudySession, TrainingRotation
from luoshi.study.services import MAX_HALF_DAYS, MAX_ROSTER


def _user(field: serializers.Field) -> Any:
    request = field.context.get("request")
    return request.user if request is not None else None


class VisibleStudyClassField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[StudyClass]:
        user = _user(self)
        return StudyClass.objects.visible_to(user, Perm.VIEW) if user is not None else StudyClass.objects.none()


class VisibleRotationField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[TrainingRotation]:
        user = _user(self)
        found = TrainingRotation.objects
        return found.visible_to(user, Perm.VIEW) if user is not None else found.none()


class StudyClassSerializer(serializers.ModelSerializer[StudyClass]):
    kind_name = serializers.CharField(source="get_kind_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    half_days_planned = serializers.SerializerMethodField()
    half_days_held = serializers.SerializerMethodField()
    below_minimum = serializers.SerializerMethodField()

    class Meta:
        model = StudyClass
        fields = [
            "id",
            "campaign",
            "unit",
            "unit_name",
            "kind",
            "kind_name",
            "topic",
            "description",
            "min_half_days",
            "rotation",
            "half_days_planned",
            "half_days_held",
            "below_minimum",
        ]
        read_only_fields = fields

    def get_half_days_planned(self, obj: StudyClass) -> int:
        return int(getattr(obj, "planned", 0))

    def get_half_days_held(self, obj: StudyClass) -> int:
        return int(getattr(obj, "held", 0))

    def get_below_minimum(self, obj: StudyClass) -> bool:
        return bool(obj.min_half_days and self.get_half_days_planned(obj) < obj.min_half_days)


class StudyClassInput(serializers.Serializer):
    campaign = VisibleCampaignField(help_text=_("活动"))
    unit = VisibleUnitField(help_text=_("主办单位"))
    kind = serializers.ChoiceField(choices=ClassKind.choices, default=ClassKind.READING)
    topic = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    min_half_days = serializers.IntegerField(
        min_value=0,
        max_value=MAX_HALF_DAYS,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("留空按类型：读书班 10，其他 0"),
    )
    rotation = VisibleRotationField(required=False, allow_null=True, default=None, help_text=_("所属轮训（轮训班）"))


class StudySessionSerializer(serializers.ModelSerializer[StudySession]):
    half_name = serializers.CharField(source="get_half_display", read_only=True)

    class Meta:
        model = StudySession
        fields = ["id", "campaign", "study_class", "title", "date", "half", "half_name", "starts_at", "place"]
        read_only_fields = fields


class StudySessionInput(serializers.Serializer):
    study_class = VisibleStudyClassField(help_text=_("班次"))
    date = serializers.DateField()
    half = serializers.ChoiceField(choices=HalfDay.choices, default=HalfDay.MORNING)
    starts_at = serializers.TimeField(required=False, allow_null=True, default=None)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_date(self, value: Any) -> Any:
        if not 1900 <= value.year <= 2999:
            raise serializers.ValidationError(_("日期须在 1900 年至 2999 年之间。"))
        return value


class StudyAttendanceSerializer(serializers.ModelSerializer[Attendance]):
    member_number = serializers.CharField(source="member.number", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    status_name = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "member", "member_number", "member_name", "status", "status_name", "method", "at"]
        read_only_fields = fields


class StudyAttendanceMark(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("人员 id（须在应参学名单中）"))
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)


class StudyAttendanceInput(serializers.Serializer):
    marks = serializers.ListField(child=StudyAttendanceMark(), required=False, default=list, max_length=MAX_ROSTER)
    all_present = serializers.BooleanField(required=False, default=False, help_text=_("未考勤的应参学人员全部出席"))


class StudyAttendanceResult(serializers.Serializer):
    changed = serializers.IntegerField()


class StudyCoverageQuery(serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


class StudyUnitCoverageSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    people = serializers.IntegerField(help_text=_("参学人数（去重）"))
    attendances = serializers.IntegerField(help_text=_("参学人次"))
    half_days = serializers.IntegerField(help_text=_("举办半天数"))
    members = serializers.IntegerField(help_text=_("在册人数"))
    rate = serializers.FloatField(allow_null=True, help_text=_("覆盖率（%）"))


class StudyCoverageSerializer(StudyUnitCoverageSerializer):
    campaign = serializers.IntegerField()
    children = StudyUnitCoverageSerializer(many=True)
