"""The demo campaign (演示活动) with its phases, the 8 default channels and 14 aspects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from luoshi.audit.services import record_change
from luoshi.campaigns.models import DEFAULT_CHANNELS, Aspect, Campaign, Channel, Phase
from luoshi.demo.content import ASPECTS, CAMPAIGN_DESCRIPTION, CAMPAIGN_NAME, PHASES
from luoshi.orgs.models import Unit

STARTED_DAYS_AGO = 150


@dataclass
class DemoCampaign:
    campaign: Campaign
    channels: list[Channel]
    aspects: list[Aspect]

    def channel(self, name: str) -> Channel:
        return next(c for c in self.channels if c.name == name)


def setup_campaign(city: Unit, today: date) -> DemoCampaign:
    """Create the campaign five months in, as its office would; every row is audited."""
    starts = today - timedelta(days=STARTED_DAYS_AGO)
    campaign = Campaign.objects.create(
        name=CAMPAIGN_NAME,
        unit=city,
        starts_on=starts,
        ends_on=starts + timedelta(days=PHASES[-1][2]),
        description=CAMPAIGN_DESCRIPTION,
        yellow_days=3,
    )
    record_change(None, campaign, None, detail="演示数据：新建活动")
    for order, (name, begin, end) in enumerate(PHASES):
        phase = Phase.objects.create(
            campaign=campaign,
            name=name,
            starts_on=starts + timedelta(days=begin),
            ends_on=starts + timedelta(days=end),
            order=order,
        )
        record_change(None, phase, None)
    channels = [Channel.objects.create(campaign=campaign, name=n, order=i) for i, n in enumerate(DEFAULT_CHANNELS)]
    aspects = [Aspect.objects.create(campaign=campaign, name=n, order=i) for i, n in enumerate(ASPECTS)]
    for row in (*channels, *aspects):
        record_change(None, row, None)
    return DemoCampaign(campaign, channels, aspects)
