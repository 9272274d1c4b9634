"""The read side of monthly reports: the campaign as a viewer of its unit sees it, its reports and jobs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.analysis.models import MonthlySnapshot
from luoshi.analysis.services import JOB_KIND
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.queries import visible_campaigns
from luoshi.jobs.models import Job, JobStatus


def campaign_for(user: Any, pk: Any) -> Campaign:
    """The campaign when ``user`` may view its whole unit (the reports cover it all); 404 otherwise."""
    campaign = visible_campaigns(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if campaign is None or not scope.can(user, Perm.VIEW, campaign.unit.path):
        raise Http404(_("未找到或无权查看。"))
    return campaign


def reports_of(campaign: Campaign) -> QuerySet[MonthlySnapshot]:
    """The campaign's reports whose document is stored, newest month first."""
    rows = MonthlySnapshot.objects.filter(campaign=campaign).exclude(document="")
    return rows.select_related("created_by").defer("figures")


def running_jobs(user: Any, campaign: Campaign) -> QuerySet[Job]:
    """The viewer's own report jobs of this campaign that have not finished."""
    jobs = Job.objects.filter(owner_id=user.pk, kind=JOB_KIND, params__campaign=campaign.pk)
    return jobs.filter(status__in=(JobStatus.PENDING, JobStatus.RUNNING))


def snapshot_for(user: Any, pk: int) -> MonthlySnapshot:
    """A report whose campaign the user may view as a whole; 404 otherwise (out of scope looks missing)."""
    snapshot = MonthlySnapshot.objects.select_related("campaign__unit").defer("figures").filter(pk=pk).first()
    if snapshot is None or not scope.can(user, Perm.VIEW, snapshot.campaign.unit.path):
        raise Http404(_("未找到或无权查看。"))
    return snapshot
