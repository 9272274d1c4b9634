"""Suggestions for tests: a campaign led by 东城区 (so its office and liaison act on it) and suggestions in any state,
driven through intake and the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.suggestions import intake, services
from luoshi.suggestions.choices import Adoption, SuggestionCategory, SuggestionState
from luoshi.suggestions.models import Suggestion
from luoshi.testing.world import World

CONTENT = "建议在社区增设便民服务点，方便老年人办事。"


def campaign_a(world: World) -> Campaign:
    found, made = Campaign.objects.get_or_create(
        name="东城区主题教育",
        defaults={"unit": world.district_a, "starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2030, 12, 31)},
    )
    if made:
        Channel.objects.create(campaign=found, name="意见建议", order=0)
        Aspect.objects.create(campaign=found, name="为民服务", order=0)
    return found


def make_suggestion(world: World, *, title: str = "增设便民服务点", by: Any = None, **extra: Any) -> Suggestion:
    campaign = extra.pop("campaign", None) or campaign_a(world)
    fields = {"campaign": campaign, "title": title, "content": extra.pop("content", CONTENT)}
    fields.update(category=extra.pop("category", SuggestionCategory.LIVELIHOOD), topic=extra.pop("topic", ""))
    if by is not None:
        return intake.submit_member_suggestion(by, **fields, **extra)
    made, _code = intake.submit_public_suggestion(
        **fields, name="王小明", phone="13900001234", anonymous=False, **extra
    )
    return made


def deadline(days: int = 10) -> dt.date:
    return services.today() + dt.timedelta(days=days)


def in_state(world: World, state: str, **extra: Any) -> Suggestion:
    """A suggestion in ``state``: triaged and referred to 东城街道 by 东城办公室, answered by 东城联络员."""
    s = make_suggestion(world, **extra)
    if state == SuggestionState.SUBMITTED:
        return s
    if state == SuggestionState.DISMISSED:
        return services.dismiss_suggestion(world.office_a, s, reason="与本次活动无关")
    s = services.triage_suggestion(world.office_a, s, category=SuggestionCategory.LIVELIHOOD, topic="便民服务")
    if state == SuggestionState.TRIAGED:
        return s
    s = services.refer_suggestion(world.office_a, s, unit=world.street_a, deadline=deadline())
    if state == SuggestionState.REFERRED:
        return s
    s = services.answer_suggestion(world.liaison_a, s, text="已在街道党群服务中心增设窗口。", public=True)
    if state == SuggestionState.ANSWERED:
        return s
    return services.decide_suggestion(world.office_a, s, adoption=Adoption.FULL, reason="已落实")
