"""The demo's key tasks and livelihood projects, on one shared build."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import TestCase
from django.urls import reverse

from luoshi.demo.keytasks import KEY_MEASURES
from luoshi.livelihood.choices import ProposalSource, ProposalState
from luoshi.livelihood.models import ProjectProposal
from luoshi.livelihood.queries import campaign_figures
from luoshi.orgs.models import Unit
from luoshi.tasks import queries
from luoshi.tasks.choices import State
from luoshi.tasks.models import FinishRequest, Task, TaskAssignment, TaskExtension, TaskProgress
from luoshi.tasks.services import today
from luoshi.tracking.choices import RequestState

# the module builds one demo: its tests share a worker (``--dist loadgroup``) so it is built once
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo_worklists")]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """One build, with what runs after its commit (the trackers' notifications) run as a real build runs it."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("demo", "--units", "150", "--seed", "11", "--demands", "0")
        yield
        transaction.set_rollback(True)


def test_nine_key_measures_decomposed_and_assigned_to_every_district(demo: None) -> None:
    # the rest came from research results and suggestions
    ningbo = Task.objects.filter(research_plan_link__isnull=True, suggestion_link__isnull=True)
    top = ningbo.filter(parent__isnull=True)
    assert sorted(top.values_list("title", flat=True)) == sorted(title for title, *_ in KEY_MEASURES)
    decomposed = top.annotate(n=Count("children")).filter(n__gt=0).count()
    assert decomposed == sum(1 for *_, parts in KEY_MEASURES if parts)
    city = Unit.objects.get(parent__isnull=True)
    districts = Unit.objects.filter(parent=city).exclude(kind__code="dept").count()
    leaves = ningbo.filter(children__isnull=True)
    for task in leaves:
        assert task.assignments.filter(parent__isnull=True).count() == districts, task.title


def test_the_home_district_passed_tasks_down_to_its_streets_and_some_wait_to_be_signed(demo: None) -> None:
    passed = TaskAssignment.objects.exclude(parent__isnull=True)
    assert passed.exists()
    assert set(passed.values_list("unit__kind__code", flat=True)) == {"street"}
    assert passed.filter(state=State.PENDING_SIGN).exists()
    assert passed.exclude(state=State.PENDING_SIGN).exists()


def test_months_of_progress_with_late_missed_extended_and_sent_back_work(demo: None) -> None:
    oldest = TaskProgress.objects.order_by("reported_on").first()
    assert oldest is not None
    assert oldest.reported_on <= today() - timedelta(days=90)
    rows = queries.with_rounds(list(TaskAssignment.objects.select_related("task").exclude(signed_on=None)))
    missed = sum(1 for row in rows if getattr(row, "missed", 0))
    assert 0 < missed < len(rows)
    assert TaskExtension.objects.filter(state=RequestState.APPROVED).exists()
    lights = set(TaskAssignment.objects.values_list("light", flat=True))
    assert lights == {"green", "yellow", "red"}
    sent_back = FinishRequest.objects.filter(state=RequestState.REJECTED).values_list("assignment_id", flat=True)
    assert sent_back
    assert TaskAssignment.objects.filter(pk__in=list(sent_back), state=State.DONE).count() == len(set(sent_back))
    task = Task.objects.first()
    assert task is not None
    percent = queries.campaign_percent(task.campaign)
    assert percent is not None
    assert 40 < percent < 100


def test_31_livelihood_projects_at_68_9_percent_on_the_public_page(demo: None, client: Any) -> None:
    campaign = Task.objects.first().campaign  # type: ignore[union-attr]
    figures = campaign_figures(campaign)
    assert figures["projects_total"] == 31
    assert figures["progress"] == Decimal("68.9")
    assert figures["projects_completed"] == 11
    assert figures["projects_evaluated"] == 7
    adopted = ProjectProposal.objects.filter(campaign=campaign, state=ProposalState.ADOPTED)
    assert adopted.filter(source=ProposalSource.PUBLIC).count() == 1
    assert ProjectProposal.objects.filter(campaign=campaign, state=ProposalState.DECLINED).exists()
    page = client.get(reverse("public_livelihood:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    assert "68.9" in page.content.decode()


def test_urges_climb_the_ladder_and_some_are_acknowledged(demo: None) -> None:
    from luoshi.urging.models import Urge

    assert set(Urge.objects.values_list("level", flat=True)) == {"remind", "urge", "supervise"}
    assert Urge.objects.filter(acknowledged_at__isnull=False).exists()
    assert Urge.objects.filter(acknowledged_at__isnull=True, level="supervise").exists()


def test_every_demo_login_has_notifications_and_reminders_went_out(demo: None) -> None:
    from django.contrib.auth import get_user_model

    from luoshi.notices.models import Notification

    logins = get_user_model().objects.filter(username__startswith="demo_")
    assert logins.exists()
    assert not logins.exclude(pk__in=Notification.objects.values("recipient_id")).exists()
    assert Notification.objects.filter(kind__in=["due_soon", "overdue", "escalated"]).exists()
