"""The demo's monthly analysis report (月度分析报告): last month's report of the demo city's campaign, made the
way the job makes it (a snapshot, then its stored document), so the campaign's analysis page lists it.

Call ``build_monthly_report()`` after the demo is built (``build_demo``), e.g. from ``luoshi shell``::

    from luoshi.demo.analysis import build_monthly_report
    build_monthly_report()
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.analysis import services
from luoshi.analysis.models import MonthlySnapshot
from luoshi.campaigns.models import Campaign
from luoshi.demo.content import CAMPAIGN_NAME


def last_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def build_monthly_report(campaign: Campaign | None = None, today: dt.date | None = None) -> MonthlySnapshot | None:
    """Last month's report of ``campaign`` (the demo city's campaign by default), made as its office would; None
    when there is no such campaign or last month lies before it began."""
    campaign = campaign or Campaign.objects.select_related("unit").filter(name=CAMPAIGN_NAME).order_by("pk").first()
    if campaign is None:
        return None
    month = last_month(today or timezone.localdate())
    if (month + dt.timedelta(days=32)).replace(day=1) <= campaign.starts_on:
        return None
    office = (
        RoleAssignment.objects.filter(role=Role.OFFICE, unit=campaign.unit)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return services.generate_report(office.user if office else None, campaign, month)
