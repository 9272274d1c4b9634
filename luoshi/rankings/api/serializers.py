"""Serializers of the ranking API: read shapes only (publishing is done on the pages)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luoshi.rankings.models import Ranking, RankingScheme

ROW_SCHEMA = {
    "type": "object",
    "properties": {
        "unit_id": {"type": "integer"},
        "unit_name": {"type": "string"},
        "measures": {"type": "object", "additionalProperties": {"type": "number", "nullable": True}},
        "score": {"type": "number", "nullable": True},
        "rank": {"type": "integer", "nullable": True},
        "change": {"type": "integer", "nullable": True, "description": "上期名次 − 本期名次；为空表示新上榜"},
        "band": {"type": "string", "enum": ["red", "black", ""]},
        "flagged": {"type": "boolean", "description": "连续两期末位"},
    },
}


class SchemeSerializer(serializers.ModelSerializer[RankingScheme]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    kind_name = serializers.SerializerMethodField()

    class Meta:
        model = RankingScheme
        fields = [
            "id",
            "campaign",
            "name",
            "unit",
            "unit_name",
            "mode",
            "kind",
            "kind_name",
            "cycle",
            "weights",
            "highlight",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    def get_kind_name(self, scheme: RankingScheme) -> str:
        return scheme.kind.name if scheme.kind else ""


class RankingSerializer(serializers.ModelSerializer[Ranking]):
    scheme_name = serializers.CharField(source="scheme.name", read_only=True)
    rows = serializers.SerializerMethodField(
        help_text=_("各单位：各指标值、综合得分、名次、名次变化、红黑榜、连续两期末位")
    )
    weights = serializers.SerializerMethodField()
    flagged = serializers.SerializerMethodField(help_text=_("连续两期末位的单位 id"))
    superseded_by = serializers.SerializerMethodField(help_text=_("更正本排名的排名 id；为空表示仍有效"))

    class Meta:
        model = Ranking
        fields = [
            "id",
            "scheme",
            "scheme_name",
            "campaign",
            "period_key",
            "period_start",
            "period_end",
            "weights",
            "rows",
            "flagged",
            "content_hash",
            "supersedes",
            "superseded_by",
            "reason",
            "published_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "array", "items": ROW_SCHEMA})
    def get_rows(self, ranking: Ranking) -> list[dict[str, Any]]:
        return ranking.rows

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "number"}})
    def get_weights(self, ranking: Ranking) -> dict[str, Any]:
        return ranking.weights

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_flagged(self, ranking: Ranking) -> list[int]:
        return [row["unit_id"] for row in ranking.rows if row.get("flagged")]

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_superseded_by(self, ranking: Ranking) -> int | None:
        correction = getattr(ranking, "correction", None)
        return correction.pk if correction is not None else None
