"""Filters of the problems API besides ``ProblemFilterSet``.

Related problems are filtered by plain id, so an id outside the caller's scope gives an empty
list rather than a "no such choice" error that would reveal it exists.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import IdFilter
from luoshi.problems.choices import MeasureState, RequestState
from luoshi.problems.models import ExtensionRequest, Measure, ProblemClass


class MeasureFilterSet(django_filters.FilterSet):
    problem = IdFilter(field_name="problem_id", label=_("问题"))
    state = django_filters.ChoiceFilter(choices=MeasureState.choices, label=_("状态"))

    class Meta:
        model = Measure
        fields: list[str] = []


class ExtensionFilterSet(django_filters.FilterSet):
    problem = IdFilter(field_name="problem_id", label=_("问题"))
    state = django_filters.ChoiceFilter(choices=RequestState.choices, label=_("状态"))

    class Meta:
        model = ExtensionRequest
        fields: list[str] = []


class ProblemClassFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))

    class Meta:
        model = ProblemClass
        fields: list[str] = []
