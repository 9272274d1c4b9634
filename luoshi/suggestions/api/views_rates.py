"""``/api/v1/suggestion-rates/?campaign=&unit=``: the reply, on-time reply and adoption rates of a unit's subtree
for a campaign and of each child unit (read only; definitions in ``luoshi.suggestions.rates``). A campaign or unit
out of the caller's scope is 404, like a missing one."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from luoshi.access.api import HoldsViewPerm
from luoshi.accounts.acting import actor
from luoshi.suggestions import rates
from luoshi.suggestions.views_rates import figures


class SuggestionRateCountsSerializer(serializers.Serializer):
    referred = serializers.IntegerField(label=_("转办"))
    answered = serializers.IntegerField(label=_("已答复"))
    on_time = serializers.IntegerField(label=_("按时答复"))
    due = serializers.IntegerField(label=_("应答复"))
    overdue = serializers.IntegerField(label=_("超期未答复"))
    decided = serializers.IntegerField(label=_("已认定"))
    adopted = serializers.IntegerField(label=_("采纳"))
    reply_rate = serializers.SerializerMethodField(label=_("答复率"))
    on_time_rate = serializers.SerializerMethodField(label=_("按时答复率"))
    adoption_rate = serializers.SerializerMethodField(label=_("采纳率"))

    @staticmethod
    def _ratio(value: Any) -> float | None:
        return None if value is None else round(float(value), 4)

    def get_reply_rate(self, obj: rates.Counts) -> float | None:
        return self._ratio(obj.reply_rate)

    def get_on_time_rate(self, obj: rates.Counts) -> float | None:
        return self._ratio(obj.on_time_rate)

    def get_adoption_rate(self, obj: rates.Counts) -> float | None:
        return self._ratio(obj.adoption_rate)


class SuggestionRateRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="unit.pk", allow_null=True, label=_("单位"), default=None)
    name = serializers.CharField(label=_("名称"))
    counts = SuggestionRateCountsSerializer()


class SuggestionRatesSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(source="campaign.pk", allow_null=True, default=None)
    unit = serializers.IntegerField(source="unit.pk", allow_null=True, default=None)
    total = SuggestionRateCountsSerializer(allow_null=True, default=None)
    results = SuggestionRateRowSerializer(many=True)


class SuggestionRatesView(APIView):
    """Suggestion rates of a unit's subtree and its children (read only)."""

    permission_classes = [*APIView.permission_classes, HoldsViewPerm]

    @extend_schema(
        summary=_("意见建议办理率"),
        description=_(
            "某活动中转办到某单位及其下级的意见建议：转办数、答复率、按时答复率、采纳率、超期未答复数"
            "（比率为 0–1 的小数，无分母时为 null）；results 为各下级单位（id 为 null 的一行为本级）。"
            "不指定时为最新的活动和本人可见的最高单位。"
        ),
        parameters=[
            OpenApiParameter("campaign", OpenApiTypes.INT, description=str(_("活动"))),
            OpenApiParameter("unit", OpenApiTypes.INT, description=str(_("单位"))),
        ],
        responses={200: SuggestionRatesSerializer},
    )
    def get(self, request: Request) -> Response:
        found = figures(actor(request), request.query_params)
        body = {
            "campaign": found["campaign"],
            "unit": found.get("unit"),
            "total": found["total"]["counts"] if found["campaign"] else None,
            "results": [r["row"] for r in found.get("rows", [])],
        }
        return Response(SuggestionRatesSerializer(body).data)
