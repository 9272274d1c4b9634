"""The read side of research: a campaign's directions and topics with plan counts, plans a user sees, visits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign, CampaignQuerySet
from luoshi.campaigns.queries import visible_campaigns
from luoshi.research.choices import PlanState
from luoshi.research.models import ResearchDirection, ResearchPlan, ResearchTopic
from luoshi.visits.models import Visit


def campaign_choices(user: Any) -> CampaignQuerySet:
    """The campaigns whose research the user may see (those they take part in)."""
    return visible_campaigns(user).order_by("-starts_on", "-id")


def manages(user: Any, campaign: Campaign) -> bool:
    """Whether the user keeps the campaign's directions, topics and settings (its office)."""
    return scope.can(user, Perm.MANAGE_RESEARCH, campaign.unit.path)


def topics_for(user: Any) -> QuerySet[ResearchTopic]:
    """Every topic of a campaign the user takes part in (topics are the campaign's, not a unit's)."""
    return ResearchTopic.objects.filter(campaign__in=campaign_choices(user)).select_related("direction", "campaign")


def directions_for(user: Any) -> QuerySet[ResearchDirection]:
    return ResearchDirection.objects.filter(campaign__in=campaign_choices(user)).select_related("campaign")


def plans_for(user: Any, perm: str = Perm.VIEW) -> QuerySet[ResearchPlan]:
    return ResearchPlan.objects.visible_to(user, perm).select_related("campaign", "topic__direction", "unit")


@dataclass
class TopicRow:
    topic: ResearchTopic
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class DirectionRow:
    direction: ResearchDirection | None
    topics: list[TopicRow] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(t.counts[s] for t in self.topics) for s in PlanState.values}

    @property
    def total(self) -> int:
        return sum(t.total for t in self.topics)


def overview(user: Any, campaign: Campaign) -> list[DirectionRow]:
    """The campaign's directions with their topics and, per topic, the plans the user sees by state."""
    counted = (
        ResearchPlan.objects.visible_to(user, Perm.VIEW)
        .filter(campaign=campaign)
        .order_by()
        .values_list("topic_id", "state")
        .annotate(n=Count("id"))
    )
    by_topic: dict[int, dict[str, int]] = {}
    for topic_id, state, n in counted:
        by_topic.setdefault(topic_id, dict.fromkeys(PlanState.values, 0))[state] = n
    rows: dict[int | None, DirectionRow] = {
        d.pk: DirectionRow(d) for d in ResearchDirection.objects.filter(campaign=campaign).order_by("order", "id")
    }
    for topic in ResearchTopic.objects.filter(campaign=campaign).order_by("direction_id", "id"):
        row = rows.get(topic.direction_id)
        if row is None:
            row = rows.setdefault(None, DirectionRow(None))
        row.topics.append(TopicRow(topic, by_topic.get(topic.pk, dict.fromkeys(PlanState.values, 0))))
    return list(rows.values())


def plan_visits(plan: ResearchPlan) -> list[Visit]:
    """The visits filed for the plan on the calendar, latest first (the plan's page lists them)."""
    found = Visit.objects.filter(organiser_key=plan.organiser_key, campaign_id=plan.campaign_id)
    return list(found.select_related("unit").order_by("-date", "-id"))
