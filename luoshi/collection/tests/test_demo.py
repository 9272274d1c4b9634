"""The demo's periodic collection, built on the test world (the city's campaign, a few streets of district A)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count

from luoshi.collection.choices import State
from luoshi.collection.models import CollectionRound, Submission, SubmissionEvent
from luoshi.demo.collection import MONTHS, WEEKS, build_collection, collection_lines
from luoshi.tasks.tests.factory import streets
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def test_the_demo_builds_weekly_and_monthly_rounds_in_every_state(world: World) -> None:
    streets(world, 3)
    today = dt.date.today()
    built = build_collection(world.campaign, world.office_city, 7, today)
    weekly = CollectionRound.objects.filter(template=built.weekly).order_by("period_start")
    assert weekly.count() == WEEKS + 1
    last = list(weekly)[-1]
    assert last.period_start <= today <= last.period_end  # this week's round is open
    assert not weekly.exclude(pk=last.pk).filter(period_end__gte=today).exists()  # the rest: by last week
    assert CollectionRound.objects.filter(template=built.monthly).count() == MONTHS
    past = Submission.objects.filter(round__template=built.weekly).exclude(round=last)
    assert past.count() == WEEKS * 4  # every street of the city
    states = dict(past.order_by().values_list("state").annotate(n=Count("id")))
    assert states[State.ACCEPTED] > states.get(State.PENDING, 0) > 0
    assert past.filter(late=True).exists()
    assert past.filter(late=False, state=State.ACCEPTED).count() > past.filter(late=True).count()
    returned_once = SubmissionEvent.objects.filter(kind="returned", submission__in=past)
    assert returned_once.exists()
    assert not past.filter(pk__in=returned_once.values("submission_id")).exclude(state=State.ACCEPTED).exists()
    current = Submission.objects.filter(round=last)
    assert current.filter(state=State.PENDING).exists()
    assert current.filter(state=State.SUBMITTED).exists()
    monthly = Submission.objects.filter(round__template=built.monthly)
    assert set(monthly.values_list("unit__name", flat=True)) == {"东城区", "西城区"}
    assert "定期报送 17 轮" in collection_lines(world.campaign)[0]
