"""Serializers of the reports API: read shapes, the claims check and the correction input."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luoshi.reports import claims
from luoshi.reports.choices import Approx, Change
from luoshi.reports.models import Figure, Report


class FigureSerializer(serializers.ModelSerializer[Figure]):
    approx_display = serializers.CharField(source="get_approx_display", read_only=True)
    corrected = serializers.BooleanField(read_only=True)

    class Meta:
        model = Figure
        fields = [
            "id",
            "report",
            "start",
            "end",
            "text",
            "value",
            "value_max",
            "unit",
            "approx",
            "approx_display",
            "change",
            "subject",
            "sentence",
            "excluded",
            "corrected",
            "original_value",
            "original_value_max",
            "original_unit",
            "original_approx",
            "original_change",
            "original_subject",
            "corrected_at",
            "version",
        ]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer[Report]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    campaign_name = serializers.CharField(source="campaign.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "campaign",
            "campaign_name",
            "unit",
            "unit_name",
            "title",
            "kind",
            "original_name",
            "size",
            "status",
            "status_display",
            "failure",
            "place",
            "report_date",
            "created_at",
            "processed_at",
        ]
        read_only_fields = fields


class ClaimSerializer(serializers.Serializer):
    figure = serializers.IntegerField(source="figure.pk")
    text = serializers.CharField(source="figure.text")
    measure = serializers.CharField(source="rule.measure")
    measure_label = serializers.CharField()
    claimed = serializers.FloatField(source="figure.value")
    claimed_max = serializers.FloatField(source="figure.value_max", allow_null=True)
    actual = serializers.FloatField(allow_null=True)
    verdict = serializers.CharField()
    reason = serializers.CharField()


class ReportDetailSerializer(ReportSerializer):
    text = serializers.CharField(read_only=True)
    figures = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "text", "figures", "claims"]
        read_only_fields = fields

    @extend_schema_field(FigureSerializer(many=True))
    def get_figures(self, report: Report) -> list[dict[str, Any]]:
        return list(FigureSerializer(report.figures.all(), many=True).data)

    @extend_schema_field(ClaimSerializer(many=True))
    def get_claims(self, report: Report) -> list[dict[str, Any]]:
        return list(ClaimSerializer(claims.check_report(report), many=True).data)


class FigureCorrectionInput(serializers.Serializer):
    """A clerk's correction: only the fields sent change; ``version`` is the one read (409 when stale)."""

    version = serializers.IntegerField()
    value = serializers.FloatField(required=False, min_value=0)
    value_max = serializers.FloatField(required=False, allow_null=True, min_value=0)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=10)
    approx = serializers.ChoiceField(choices=Approx.choices, required=False)
    change = serializers.ChoiceField(choices=[("", "—"), *Change.choices], required=False, allow_blank=True)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=100)
    excluded = serializers.BooleanField(required=False)
