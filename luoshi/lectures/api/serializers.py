"""Serializers of the lecture API: read shapes of menu items and orders, and the input of each service."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luoshi.lectures import queries, services
from luoshi.lectures.models import LectureCategory, LectureItem, LectureOrder
from luoshi.orgs.api.serializers import VisibleUnitField
from luoshi.orgs.models import Unit
from luoshi.study.choices import HalfDay


def _user(field: serializers.Field) -> Any:
    request = field.context.get("request")
    return request.user if request is not None else None


class VisibleLectureItemField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[LectureItem]:
        user = _user(self)
        return queries.items_for(user) if user is not None else LectureItem.objects.none()


class VisibleLectureCategoryField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[LectureCategory]:
        user = _user(self)
        return queries.categories_for(user) if user is not None else LectureCategory.objects.none()


# --- read shapes ---------------------------------------------------------------------------------------------------


class LectureItemSerializer(serializers.ModelSerializer[LectureItem]):
    category_name = serializers.CharField(source="category.name", read_only=True)
    speaker_name = serializers.CharField(source="speaker.name", read_only=True)
    speaker_number = serializers.CharField(source="speaker.number", read_only=True)
    figures = serializers.SerializerMethodField(help_text=_("点单次数、已宣讲场次、听众人数、平均评分"))

    class Meta:
        model = LectureItem
        fields = [
            "id",
            "campaign",
            "category",
            "category_name",
            "title",
            "summary",
            "speaker",
            "speaker_name",
            "speaker_number",
            "minutes",
            "active",
            "figures",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "orders": {"type": "integer"},
                "held": {"type": "integer"},
                "listeners": {"type": "integer"},
                "rating": {"type": "number", "nullable": True},
                "ratings": {"type": "integer"},
            },
        }
    )
    def get_figures(self, item: LectureItem) -> dict[str, Any]:
        found = self.context.get("figures")
        if found is None:
            found = queries.figures([item.pk])
        fig = found.get(item.pk, queries.ItemFigures())
        rating = round(float(fig.rating), 2) if fig.rating is not None else None
        return {
            "orders": fig.orders,
            "held": fig.held,
            "listeners": fig.listeners,
            "rating": rating,
            "ratings": fig.ratings,
        }


class LectureOrderSerializer(serializers.ModelSerializer[LectureOrder]):
    item_title = serializers.CharField(source="item.title", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    speaker_name = serializers.CharField(source="speaker.name", read_only=True)
    allowed_actions = serializers.SerializerMethodField(help_text=_("当前用户现在可以执行的操作"))

    class Meta:
        model = LectureOrder
        fields = [
            "id",
            "campaign",
            "item",
            "item_title",
            "unit",
            "unit_name",
            "speaker",
            "speaker_name",
            "wished_date",
            "wished_half",
            "audience",
            "place",
            "note",
            "date",
            "half",
            "state",
            "listeners",
            "rating",
            "rating_comment",
            "version",
            "allowed_actions",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, order: LectureOrder) -> list[str]:
        user = _user(self)
        return services.available_actions(user, order) if user is not None else []


# --- input ---------------------------------------------------------------------------------------------------------


class LectureItemFields(serializers.Serializer):
    category = VisibleLectureCategoryField(queryset=LectureCategory.objects.all())
    title = serializers.CharField(max_length=services.MAX_TITLE)
    speaker_number = serializers.CharField(max_length=30, help_text=_("宣讲人在党员干部名册中的编号"))
    minutes = serializers.IntegerField(min_value=10, max_value=services.MAX_MINUTES, required=False, default=60)
    summary = serializers.CharField(max_length=services.MAX_SUMMARY, required=False, allow_blank=True, default="")
    active = serializers.BooleanField(required=False, default=True)


class LectureOrderInput(serializers.Serializer):
    item = VisibleLectureItemField(queryset=LectureItem.objects.all())
    unit = VisibleUnitField(queryset=Unit.objects.all(), help_text=_("点单单位"))
    wished_date = serializers.DateField()
    wished_half = serializers.ChoiceField(choices=HalfDay.choices)
    audience = serializers.CharField(max_length=services.MAX_TEXT, required=False, allow_blank=True, default="")
    place = serializers.CharField(max_length=services.MAX_TEXT, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=services.MAX_COMMENT, required=False, allow_blank=True, default="")


class LectureVersionInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("客户端看到的版本号；与当前版本不符时返回 409")
    )


class LectureDispatchInput(LectureVersionInput):
    date = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("默认为期望日期"))
    half = serializers.ChoiceField(choices=HalfDay.choices, required=False, default="", help_text=_("默认为期望时段"))
    note = serializers.CharField(max_length=services.MAX_COMMENT, required=False, allow_blank=True, default="")


class LectureDeclineInput(LectureVersionInput):
    reason = serializers.CharField(max_length=services.MAX_COMMENT, help_text=_("退回理由"))


class LectureHeldInput(LectureVersionInput):
    listeners = serializers.IntegerField(min_value=1, max_value=services.MAX_LISTENERS, help_text=_("听众人数"))
    note = serializers.CharField(max_length=services.MAX_COMMENT, required=False, allow_blank=True, default="")


class LectureRateInput(LectureVersionInput):
    rating = serializers.IntegerField(
        min_value=services.LOWEST_RATING, max_value=services.HIGHEST_RATING, help_text=_("1 至 5 星")
    )
    comment = serializers.CharField(max_length=services.MAX_COMMENT, required=False, allow_blank=True, default="")


class LectureCancelInput(LectureVersionInput):
    reason = serializers.CharField(max_length=services.MAX_COMMENT, required=False, allow_blank=True, default="")


class LectureActionInput(LectureVersionInput):
    """Every field any action takes; each action reads only its own (see the description)."""

    date = serializers.DateField(required=False, help_text=_("dispatch：宣讲日期"))
    half = serializers.ChoiceField(choices=HalfDay.choices, required=False, help_text=_("dispatch：宣讲时段"))
    reason = serializers.CharField(required=False, help_text=_("decline、cancel：理由"))
    listeners = serializers.IntegerField(required=False, help_text=_("hold、record：听众人数"))
    rating = serializers.IntegerField(required=False, help_text=_("rate：1 至 5 星"))
    comment = serializers.CharField(required=False, help_text=_("rate：评价"))


class SpeakerBookedSerializer(serializers.Serializer):
    """The answer to a dispatch refused because the speaker is booked in that half-day (409)."""

    code = serializers.CharField(help_text="speaker_booked")
    detail = serializers.CharField()
    speaker = serializers.IntegerField()
    speaker_number = serializers.CharField()
    date = serializers.DateField()
    half = serializers.CharField()
    order = serializers.IntegerField(allow_null=True, help_text=_("已占用该时段的点单"))
