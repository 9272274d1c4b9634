"""The reminder sweep over a month of days (frozen clock), escalation, the rule page and the command."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from luoshi.access.roles import Role
from luoshi.audit.models import AuditEvent
from luoshi.collection.tests.factory import open_round
from luoshi.core.errors import NotAllowed
from luoshi.demands.tests.lifecycle import dispatched
from luoshi.notices.models import Notification
from luoshi.reminders import services
from luoshi.reminders.models import ReminderRule, SweepRun
from luoshi.reminders.tasks import reminders_daily
from luoshi.tasks.tests.factory import assigned
from luoshi.testing.problems import closed, new_problem
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.date(2026, 3, 2)


def _month(days: int = 31) -> dict[int, list[tuple[str, str]]]:
    """Run the daily sweep at 07:30 of each day from START; per day offset, (recipient, kind) pairs sent."""
    sent: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for offset in range(days):
        moment = dt.datetime.combine(START + dt.timedelta(days=offset), dt.time(7, 30), tzinfo=SHANGHAI)
        before = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
        with time_machine.travel(moment, tick=False):
            services.run_sweep()
        for user, kind in Notification.objects.filter(id__gt=before).values_list("recipient__username", "kind"):
            sent[offset].append((user, kind))
    return sent


def _days(sent: dict[int, list[tuple[str, str]]], user: str, kind: str) -> list[int]:
    return sorted(day for day, pairs in sent.items() if (user, kind) in pairs)


def test_default_rule_over_a_month(world):
    new_problem(world, deadline=START + dt.timedelta(days=10), found_on=START)
    sent = _month()
    assert _days(sent, "liaison_a", "due_soon") == [7, 10]  # 3 days before, and on the day
    assert _days(sent, "liaison_a", "overdue") == [13, 16, 19, 22, 25, 28]  # every 3 days while overdue
    assert _days(sent, "leader_a", "escalated") == [17]  # 7 days overdue: the unit's leaders …
    assert _days(sent, "office_city", "escalated") == [17]  # … and the campaign's office
    assert _days(sent, "liaison_a", "escalated") == []
    assert not any(user in ("liaison_b", "office_b", "handler_a") for pairs in sent.values() for user, _k in pairs)


def test_a_campaign_rule_changes_the_days(world):
    services.save_rule(
        world.office_city, world.campaign, days_before=1, on_due_day=False, overdue_every=5, escalate_after=2
    )
    new_problem(world, deadline=START + dt.timedelta(days=10), found_on=START)
    sent = _month(22)
    assert _days(sent, "liaison_a", "due_soon") == [9]
    assert _days(sent, "liaison_a", "overdue") == [15, 20]
    assert _days(sent, "office_city", "escalated") == [12]


def test_a_disabled_rule_and_closed_work_send_nothing(world):
    closed(world, deadline=START + dt.timedelta(days=3), found_on=START)
    sent = _month(10)
    assert not any(kind in ("due_soon", "overdue") for pairs in sent.values() for _u, kind in pairs)
    services.save_rule(world.office_city, world.campaign, enabled=False)
    new_problem(world, deadline=START + dt.timedelta(days=3), found_on=START)
    assert services.run_sweep(START, force=True) == {}


def test_the_sweep_runs_once_a_day_unless_forced(world):
    new_problem(world, deadline=START + dt.timedelta(days=3), found_on=START)
    first = services.run_sweep(START)
    count = Notification.objects.count()
    assert first == {"due_soon": 1}
    assert count == 3
    assert services.run_sweep(START) == first
    assert Notification.objects.count() == count
    services.run_sweep(START, force=True)
    assert Notification.objects.count() == 2 * count
    assert SweepRun.objects.get(day=START).counts == {"due_soon": 1}


def test_key_tasks_and_demands_are_reminded_to_those_who_handle_them(world):
    assigned(world, unit=world.district_a, due_on=START + dt.timedelta(days=3))
    demand = dispatched(world)
    due = dt.datetime.combine(START, dt.time(18), tzinfo=SHANGHAI)
    type(demand).objects.filter(pk=demand.pk).update(resolve_due=due)
    services.run_sweep(START)
    to = set(Notification.objects.values_list("recipient__username", "object_type"))
    assert ("liaison_a", "tasks.taskassignment") in to
    assert ("handler_a", "demands.demand") in to
    assert ("handler_a", "tasks.taskassignment") not in to
    assert ("liaison_a", "demands.demand") not in to
    demand_notice = Notification.objects.get(object_type="demands.demand")
    assert demand_notice.title.startswith("【今天到期】")
    assert demand_notice.url == f"/demands/{demand.pk}/"


def test_preview_counts_what_today_reaches(world):
    new_problem(world, deadline=START, found_on=START - dt.timedelta(days=5))
    new_problem(world, deadline=START - dt.timedelta(days=7), found_on=START - dt.timedelta(days=30))
    [problems, *_rest] = services.preview(world.campaign, START)
    assert (problems["due_today"], problems["escalate"], problems["overdue"], problems["due_soon"]) == (1, 1, 0, 0)


def test_only_the_campaign_office_sets_the_rule_and_it_is_audited(world):
    with pytest.raises(NotAllowed):
        services.save_rule(world.office_a, world.campaign, days_before=5)
    rule = services.save_rule(world.office_city, world.campaign, days_before=5)
    assert services.rule_for(world.campaign) == rule
    assert rule.days_before == 5
    assert AuditEvent.objects.filter(object_type="reminders.reminderrule").count() == 1
    with pytest.raises(ValidationError):
        services.save_rule(world.office_city, world.campaign, overdue_every=0)
    assert ReminderRule.objects.get().overdue_every == 3


def test_the_plan_of_a_day():
    rule = ReminderRule(days_before=2, on_due_day=True, overdue_every=10, escalate_after=4)
    days = services.plan(rule, START)
    assert days[START + dt.timedelta(days=2)] == ["due_soon"]
    assert days[START] == ["due_today"]
    assert days[START - dt.timedelta(days=10)] == ["overdue"]
    assert days[START - dt.timedelta(days=4)] == ["escalate"]
    assert min(days) == START - dt.timedelta(days=services.OVERDUE_HORIZON)


def test_rule_page(world, client):
    url = reverse("reminders:rule") + f"?campaign={world.campaign.pk}"
    verified_login(client, world.office_city)
    page = client.get(url)
    assert page.status_code == 200
    assert "今天的提醒（预览）" in page.content.decode()
    data = {"enabled": "on", "days_before": 2, "on_due_day": "on", "overdue_every": 4, "escalate_after": 9}
    assert client.post(url, data).status_code == 302
    assert ReminderRule.objects.get().escalate_after == 9
    bad = client.post(url, {**data, "days_before": "abc"})
    assert bad.status_code == 200
    assert ReminderRule.objects.get().days_before == 2
    verified_login(client, world.liaison_a)
    page = client.get(url)
    assert page.status_code == 200
    assert "今天的提醒（预览）" not in page.content.decode()
    assert client.post(url, data).status_code == 403
    assert client.get(reverse("reminders:rule") + "?campaign=9e9").status_code == 400
    assert client.get(reverse("reminders:rule") + "?campaign=999999").status_code == 404
    verified_login(client, world.nobody)
    assert client.get(url).status_code == 403


def test_command_and_periodic_task(world):
    new_problem(world, deadline=START + dt.timedelta(days=3), found_on=START)
    call_command("send_reminders", "--date", START.isoformat())
    assert Notification.objects.filter(kind="due_soon").count() == 3
    with time_machine.travel(dt.datetime.combine(START, dt.time(8), tzinfo=SHANGHAI), tick=False):
        reminders_daily.call_local()
    assert Notification.objects.filter(kind="due_soon").count() == 3  # the day's sweep already ran


def test_collection_submissions_not_filed_are_reminded(world):
    make_user("liaison_s", Role.LIAISON, world.street_a, "东城街道联络员")
    round_ = open_round(world, deadline=START + dt.timedelta(days=3))
    services.run_sweep(START)
    notice = Notification.objects.get(recipient__username="liaison_s", kind="due_soon")
    assert notice.title.startswith("【即将到期】定期报送：")
    assert round_.period_label in notice.title
    assert notice.object_type == "collection.submission"


def test_research_plans_are_reminded_until_their_result_is_reported(world):
    from luoshi.research.tests.factory import draft, in_state

    due = START + dt.timedelta(days=3)
    open_plan = draft(world, due_date=due)
    in_state(world, "reported", due_date=due)
    services.run_sweep(START)
    notices = Notification.objects.filter(kind="due_soon", object_type="research.researchplan")
    assert {n.object_id for n in notices} == {open_plan.pk}
    names = {n.recipient.username for n in notices}
    assert {"liaison_a", "leader_a"} <= names
    assert "office_a" not in names
    assert all(n.title.startswith("【即将到期】调研方案：") for n in notices)
