"""The read side of suggestions: what a user sees (the office, the referred unit, the suggester), the one FilterSet
of the lists, the export and the API, overdue referrals, the timeline a user may read and similar suggestions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign, CampaignQuerySet
from luoshi.campaigns.queries import visible_campaigns
from luoshi.core.filters import IdChoiceFilter, IdFilter, RefusedFiltersMixin
from luoshi.core.paths import subtree_q
from luoshi.orgs.models import Unit
from luoshi.suggestions.choices import Source, SuggestionCategory, SuggestionState
from luoshi.suggestions.models import AnswerTemplate, Suggestion, SuggestionEvent, SuggestionGroup
from luoshi.tracking.choices import Light

SIMILAR_CANDIDATES = 300
RELATED = ("campaign", "unit", "group")

TODO_CHOICES = (
    ("to_triage", _("待研判")),
    ("to_refer", _("待转办")),
    ("to_answer", _("待答复")),
    ("to_decide", _("待认定")),
    ("overdue", _("逾期未答复")),
)


def handles(user: Any, path: str) -> bool:
    """Whether the user triages, refers and decides suggestions at ``path`` (the office)."""
    return scope.can(user, Perm.HANDLE_SUGGESTION, path)


def insider(user: Any, suggestion: Suggestion) -> bool:
    """The office or the referred unit: they read private notes; the suggester does not."""
    path = suggestion.org_path
    return scope.can(user, Perm.HANDLE_SUGGESTION, path) or scope.can(user, Perm.ANSWER_SUGGESTION, path)


def visible(user: Any) -> QuerySet[Suggestion]:
    """The suggestions the office and the referred units see in their scope, and the user's own."""
    seen = scope.visible_q(user, Perm.HANDLE_SUGGESTION) | scope.visible_q(user, Perm.ANSWER_SUGGESTION)
    if getattr(user, "is_authenticated", False):
        seen |= Q(submitted_by=user)
    return Suggestion.objects.filter(seen)


def handled(user: Any) -> QuerySet[Suggestion]:
    return Suggestion.objects.visible_to(user, Perm.HANDLE_SUGGESTION)


def campaign_choices(user: Any) -> CampaignQuerySet:
    return visible_campaigns(user).order_by("-starts_on", "-id")


def handled_campaigns(user: Any) -> list[Campaign]:
    """Campaigns whose office the user is (groups and answer templates are kept there)."""
    return [c for c in campaign_choices(user) if handles(user, c.unit.path)]


def overdue_q(day: dt.date | None = None) -> Q:
    return Q(state=SuggestionState.REFERRED, deadline__lt=day or timezone.localdate())


def timeline(user: Any, suggestion: Suggestion) -> QuerySet[SuggestionEvent]:
    """The timeline the user may read: private notes only for the office and the referred unit."""
    events = suggestion.events.select_related("actor").order_by("at", "id")
    return events if insider(user, suggestion) else events.filter(private=False)


def templates_for(campaign: Campaign) -> QuerySet[AnswerTemplate]:
    return AnswerTemplate.objects.filter(campaign=campaign).order_by("title", "id")


def groups_for(campaign: Campaign) -> QuerySet[SuggestionGroup]:
    return SuggestionGroup.objects.filter(campaign=campaign).order_by("-id")


def keywords(text: str, top: int = 4) -> list[str]:
    """The main words of a title (jieba), two characters or more."""
    import jieba.analyse

    return [w for w in jieba.analyse.extract_tags(text, topK=top * 2) if len(w) >= 2][:top]


def similar(user: Any, suggestion: Suggestion, limit: int = 5) -> list[Suggestion]:
    """Suggestions of the same campaign whose titles share the most keywords with this one's (归并的提示)."""
    words = keywords(suggestion.title)
    if not words:
        return []
    match = Q()
    for word in words:
        match |= Q(title__contains=word)
    found = (
        visible(user)
        .filter(match, campaign_id=suggestion.campaign_id)
        .exclude(pk=suggestion.pk)
        .select_related("group")
        .order_by("-id")[:SIMILAR_CANDIDATES]
    )
    scored = [(sum(w in s.title for w in words), s) for s in found]
    scored.sort(key=lambda pair: (-pair[0], -pair[1].pk))
    return [s for _score, s in scored[:limit]]


class SuggestionFilterSet(RefusedFiltersMixin, django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("活动"))
    state = django_filters.MultipleChoiceFilter(choices=SuggestionState.choices, label=_("状态"))
    category = django_filters.ChoiceFilter(choices=SuggestionCategory.choices, label=_("类别"), empty_label=_("全部"))
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("来源"), empty_label=_("全部"))
    unit = IdChoiceFilter(queryset=Unit.objects.all(), method="filter_subtree", label=_("单位（含下级）"))
    group = IdFilter(field_name="group_id", label=_("同类建议"))
    light = django_filters.ChoiceFilter(choices=Light.choices, label=_("预警"), empty_label=_("全部"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("逾期未答复"))
    q = django_filters.CharFilter(method="filter_text", label=_("关键词"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("我提出的"))
    todo = django_filters.ChoiceFilter(
        choices=TODO_CHOICES, method="filter_todo", label=_("待办"), empty_label=_("全部")
    )

    class Meta:
        model = Suggestion
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)
        if self.user is not None:
            self.filters["unit"].queryset = Unit.objects.visible_to(self.user, Perm.VIEW)

    def filter_subtree(self, queryset: QuerySet[Suggestion], name: str, value: Any) -> QuerySet[Suggestion]:
        return queryset.filter(subtree_q(value.path)) if value else queryset

    def filter_overdue(self, queryset: QuerySet[Suggestion], name: str, value: bool | None) -> QuerySet[Suggestion]:
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_text(self, queryset: QuerySet[Suggestion], name: str, value: str) -> QuerySet[Suggestion]:
        text = value.strip()[:100]
        if not text:
            return queryset
        return queryset.filter(Q(title__contains=text) | Q(number=text) | Q(topic__contains=text))

    def filter_mine(self, queryset: QuerySet[Suggestion], name: str, value: bool | None) -> QuerySet[Suggestion]:
        if not value or self.user is None:
            return queryset
        return queryset.filter(submitted_by=self.user)

    def filter_todo(self, queryset: QuerySet[Suggestion], name: str, value: str) -> QuerySet[Suggestion]:
        """The home page's to-do items (我的待办), each one list."""
        if self.user is None or not value:
            return queryset
        office = scope.visible_q(self.user, Perm.HANDLE_SUGGESTION)
        if value == "to_triage":
            return queryset.filter(office, state=SuggestionState.SUBMITTED)
        if value == "to_refer":
            return queryset.filter(office, state=SuggestionState.TRIAGED)
        if value == "to_decide":
            return queryset.filter(office, state=SuggestionState.ANSWERED)
        if value == "overdue":
            return queryset.filter(office, overdue_q())
        answering = scope.visible_q(self.user, Perm.ANSWER_SUGGESTION)
        return queryset.filter(answering, state=SuggestionState.REFERRED)


def filtered(user: Any, params: Any, request: Any = None) -> SuggestionFilterSet:
    base = visible(user).select_related(*RELATED)
    return SuggestionFilterSet(params, queryset=base, user=user, request=request)


def filter_units(user: Any, shown: int = 300) -> list[Unit]:
    """The units offered by the unit filter: the user's top units and the units just under them."""
    tops = scope.scope_paths(user, Perm.HANDLE_SUGGESTION) + scope.scope_paths(user, Perm.ANSWER_SUGGESTION)
    found = Unit.objects.filter(Q(path__in=tops) | Q(parent__path__in=tops)).order_by("path")
    return list(found[:shown])


def referral_units(user: Any, campaign: Campaign) -> QuerySet[Unit]:
    """Units of the campaign the user may refer suggestions to."""
    return Unit.objects.visible_to(user, Perm.HANDLE_SUGGESTION).filter(subtree_q(campaign.unit.path, "path"))
