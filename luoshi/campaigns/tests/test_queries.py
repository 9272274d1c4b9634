"""Who sees which campaign: a campaign is visible within and above its lead unit, never to a sibling."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.campaigns.models import Campaign
from luoshi.campaigns.queries import visible_aspects, visible_campaigns, visible_channels


@pytest.fixture
def east_campaign(world):
    campaign = Campaign.objects.create(
        name="东城专项整治", unit=world.district_a, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30)
    )
    campaign.channels.create(name="自查自纠")
    campaign.aspects.create(name="为民服务")
    return campaign


def names(user):
    return set(visible_campaigns(user).values_list("name", flat=True))


def test_city_campaign_is_visible_to_every_unit_below(world, east_campaign):
    assert names(world.office_city) == {"测试主题教育", "东城专项整治"}
    assert names(world.liaison_a) == {"测试主题教育", "东城专项整治"}
    assert names(world.supervisor_a) == {"测试主题教育", "东城专项整治"}
    assert names(world.leader_b) == {"测试主题教育"}
    assert names(world.office_b) == {"测试主题教育"}


def test_roles_without_campaign_data_see_no_campaign(world, east_campaign):
    assert names(world.secadmin) == set()
    assert names(world.auditor) == set()
    assert names(world.nobody) == set()


def test_channels_and_aspects_follow_campaign_visibility(world, east_campaign):
    channels = set(visible_channels(world.office_b).values_list("campaign__name", flat=True))
    aspects = set(visible_aspects(world.liaison_a).values_list("campaign__name", "name"))
    assert channels == {"测试主题教育"}
    assert ("东城专项整治", "为民服务") in aspects
    assert len(aspects) == 5
