"""The reminder sweep reaches the unit a suggestion is referred to, until it is answered."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from luoshi.notices.models import Notification
from luoshi.reminders import services as reminders
from luoshi.reminders.sources import SOURCES
from luoshi.suggestions import services
from luoshi.suggestions.choices import SuggestionCategory
from luoshi.suggestions.models import Suggestion
from luoshi.suggestions.tests.factory import make_suggestion
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.date(2026, 3, 2)
DUE = START + dt.timedelta(days=3)


def referred(world: World, title: str) -> Suggestion:
    moment = dt.datetime.combine(START, dt.time(9), tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        s = make_suggestion(world, title=title, campaign=world.campaign)
        s = services.triage_suggestion(world.office_city, s, category=SuggestionCategory.LIVELIHOOD)
        return services.refer_suggestion(world.office_city, s, unit=world.district_a, deadline=DUE)


def test_referred_suggestions_are_reminded_until_answered(world: World) -> None:
    waiting = referred(world, "建议增设公交站台")
    answered = referred(world, "建议延长图书馆开放时间")
    services.answer_suggestion(world.liaison_a, answered, text="已延长至晚九点。")
    reminders.run_sweep(START)
    notices = Notification.objects.filter(kind="due_soon", object_type="suggestions.suggestion")
    assert {n.object_id for n in notices} == {waiting.pk}
    names = {n.recipient.username for n in notices}
    assert {"liaison_a", "leader_a"} <= names
    assert not names & {"office_a", "office_city", "liaison_b", "leader_b"}
    notice = notices.filter(recipient__username="liaison_a").get()
    assert notice.title.startswith("【即将到期】意见建议答复：建议增设公交站台")
    assert notice.url == reverse("suggestions:detail", args=[waiting.pk])

    reminders.run_sweep(DUE + dt.timedelta(days=3))
    late = Notification.objects.filter(kind="overdue", object_type="suggestions.suggestion")
    assert {n.object_id for n in late} == {waiting.pk}
    assert "liaison_a" in {n.recipient.username for n in late}


def test_the_source_is_declared_for_referred_suggestions(world: World) -> None:
    [source] = [s for s in SOURCES if s.name == "suggestion"]
    assert source.model is Suggestion
    assert source.due == "deadline"
    assert source.campaign == "campaign_id"
    waiting = referred(world, "建议整治占道经营")
    assert list(source.rows(world.campaign.pk, [DUE]).values_list("pk", flat=True)) == [waiting.pk]
    assert not source.rows(world.campaign.pk, [START]).exists()
