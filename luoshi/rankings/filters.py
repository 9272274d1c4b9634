"""One FilterSet for the published rankings and one for the schemes (plain ids: an id outside the caller's scope
finds nothing; an id that cannot exist is a 400)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import IdFilter
from luoshi.rankings.models import Ranking, RankingScheme


class RankingFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))
    scheme = IdFilter(field_name="scheme_id", label=_("排名方案"))
    period = django_filters.CharFilter(field_name="period_key", max_length=10, label=_("期次"))
    current = django_filters.BooleanFilter(field_name="correction", lookup_expr="isnull", label=_("只看未被更正的"))

    class Meta:
        model = Ranking
        fields: list[str] = []


class SchemeFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))

    class Meta:
        model = RankingScheme
        fields: list[str] = []
