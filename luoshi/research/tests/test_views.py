"""The research pages, as the office, the units' liaisons and leaders use them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from luoshi.research import services
from luoshi.research.choices import PlanState
from luoshi.research.models import ResearchDirection, ResearchPlan, ResearchTopic
from luoshi.research.tests.factory import QUESTIONS, VISIT_DAY, draft, fresh, in_state, topic
from luoshi.testing.problems import png
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World
from luoshi.visits.models import Visit

pytestmark = pytest.mark.django_db


def as_user(client: Client, user: Any) -> Client:
    verified_login(client, user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def test_the_campaign_page_shows_directions_topics_and_plan_counts(client: Client, world: World) -> None:
    chosen = topic(world, counter=True)
    in_state(world, PlanState.SUBMITTED, topic=chosen)
    page = as_user(client, world.office_city).get(reverse("research:index"), {"campaign": world.campaign.pk})
    assert page.status_code == 200
    body = text(page)
    assert chosen.title in body
    assert chosen.direction is not None
    assert chosen.direction.name in body
    assert "反面案例" in body
    assert reverse("research:topic_edit", args=[chosen.pk]) in body
    liaison = as_user(Client(), world.liaison_a).get(reverse("research:index"))
    assert chosen.title in text(liaison)
    assert reverse("research:topic_edit", args=[chosen.pk]) not in text(liaison)
    assert client.get(reverse("research:index"), {"campaign": "abc"}).status_code == 400
    assert client.get(reverse("research:index"), {"campaign": "987654"}).status_code == 404


def test_the_office_keeps_directions_topics_and_settings(client: Client, world: World) -> None:
    as_user(client, world.office_city)
    query = f"?campaign={world.campaign.pk}"
    made = client.post(reverse("research:direction_new") + query, {"name": "乡村振兴", "order": "1"})
    assert made.status_code == 302
    direction = ResearchDirection.objects.get(name="乡村振兴")
    data = {"direction": direction.pk, "title": "撂荒地整治", "is_counter_example": "on"}
    assert client.post(reverse("research:topic_new") + query, data).status_code == 302
    made_topic = ResearchTopic.objects.get(title="撂荒地整治")
    assert made_topic.is_counter_example
    edit = {"direction": direction.pk, "title": "撂荒地整治的难点"}
    assert client.post(reverse("research:topic_edit", args=[made_topic.pk]), edit).status_code == 302
    assert not ResearchTopic.objects.get(pk=made_topic.pk).is_counter_example
    edited = client.post(reverse("research:direction_edit", args=[direction.pk]), {"name": "乡村全面振兴", "order": 2})
    assert edited.status_code == 302
    assert client.post(reverse("research:settings") + query, {"max_review_rounds": "20"}).status_code == 200
    assert client.post(reverse("research:settings") + query, {"max_review_rounds": "2"}).status_code == 302
    assert services.settings_for(world.campaign).max_review_rounds == 2
    other = as_user(Client(), world.office_a)
    assert other.get(reverse("research:settings") + query).status_code == 404
    assert other.get(reverse("research:topic_edit", args=[made_topic.pk])).status_code == 404


def _workbook(*rows: list[object]) -> io.BytesIO:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["调研方向", "课题名称", "反面案例", "说明"])
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "课题.xlsx"
    return buffer


def test_the_topic_import_page_lists_errors_or_imports_all(client: Client, world: World) -> None:
    as_user(client, world.office_city)
    url = reverse("research:topic_import") + f"?campaign={world.campaign.pk}"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"file": _workbook(["方向", "", "是", ""], ["方向", "课题甲", "不知道", ""])})
    assert refused.status_code == 200
    assert "import-errors" in text(refused)
    assert "课题名称" in text(refused)
    assert not ResearchTopic.objects.exists()
    done = client.post(url, {"file": _workbook(["方向", "课题甲", "是", ""], ["方向", "课题乙", "", ""])})
    assert done.status_code == 302
    assert ResearchTopic.objects.count() == 2
    template = client.get(reverse("research:topic_template") + f"?campaign={world.campaign.pk}")
    assert template.status_code == 200
    exported = client.get(reverse("research:topic_export") + f"?campaign={world.campaign.pk}")
    rows = list(load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active.iter_rows(values_only=True))  # type: ignore[attr-defined]
    assert [r[1] for r in rows[1:]] == ["课题甲", "课题乙"]


def test_a_plan_goes_through_its_pages(client: Client, world: World) -> None:
    chosen = topic(world)
    leader = as_user(client, world.leader_a)
    new = reverse("research:plan_new") + f"?campaign={world.campaign.pk}&topic={chosen.pk}"
    assert chosen.title in text(leader.get(new))
    data = {
        "topic": chosen.pk,
        "unit": world.district_a.pk,
        "title": "关于村级减负的调研",
        "questions": "\n".join(QUESTIONS),
        "team": "东城领导等 3 人",
        "due_date": "2026-10-31",
    }
    created = leader.post(new, data)
    plan = ResearchPlan.objects.get(title="关于村级减负的调研")
    assert created.status_code == 302
    assert plan.leader == world.leader_a
    detail = text(leader.get(reverse("research:plan", args=[plan.pk])))
    assert QUESTIONS[0] in detail
    assert reverse("research:submit", args=[plan.pk]) in detail
    edit = leader.post(reverse("research:plan_edit", args=[plan.pk]), {**data, "title": "关于村级减负的调研（修改）"})
    assert edit.status_code == 302
    assert leader.post(reverse("research:submit", args=[plan.pk]), {}).status_code == 302
    office = as_user(Client(), world.office_a)
    assert office.post(reverse("research:return", args=[plan.pk]), {"comments": ""}).status_code == 200
    assert office.post(reverse("research:return", args=[plan.pk]), {"comments": "请细化对象"}).status_code == 302
    assert leader.post(reverse("research:submit", args=[plan.pk]), {}).status_code == 302
    assert office.post(reverse("research:approve", args=[plan.pk]), {"comments": "同意"}).status_code == 302
    page = text(leader.get(reverse("research:plan", args=[plan.pk])))
    assert "请细化对象" in page
    assert "第 2 轮" in page
    refused = leader.get(reverse("research:approve", args=[plan.pk]))
    assert refused.status_code == 403
    assert leader.post(reverse("research:start", args=[plan.pk]), {}).status_code == 302
    report = leader.post(
        reverse("research:report", args=[plan.pk]), {"summary": "成果", "report_files": png("报告.png")}
    )
    assert report.status_code == 302
    assert fresh(plan).state == PlanState.REPORTED
    file = fresh(plan).files.get()
    download = leader.get(reverse("research:file", args=[file.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    convert = {"title": "建立迎检准入制度", "due_on": "2026-11-30"}
    assert office.post(reverse("research:convert_task", args=[plan.pk]), convert).status_code == 302
    problem = {
        "title": "报表重复",
        "channel": world.channels[0].pk,
        "aspect": world.aspects[0].pk,
        "deadline": "2026-12-30",
    }
    liaison = as_user(Client(), world.liaison_a)
    assert liaison.post(reverse("research:convert_problem", args=[plan.pk]), problem).status_code == 302
    page = text(liaison.get(reverse("research:plan", args=[plan.pk])))
    assert "建立迎检准入制度" in page
    assert "报表重复" in page
    assert fresh(plan).state == PlanState.CONVERTED
    outsider = as_user(Client(), world.office_b)
    assert outsider.get(reverse("research:plan", args=[plan.pk])).status_code == 404
    assert outsider.get(reverse("research:file", args=[file.pk])).status_code == 404


def test_the_visit_page_shows_the_calendars_warning_and_takes_a_reason(client: Client, world: World) -> None:
    plan = in_state(world, PlanState.FIELDWORK)
    as_user(client, world.liaison_a)
    url = reverse("research:visit", args=[plan.pk])
    assert client.get(url).status_code == 200
    data = {"unit": world.street_a.pk, "headcount": 3, "kinds": ["looks", "talks"], "team": "调研组"}
    for day in (VISIT_DAY, VISIT_DAY + dt.timedelta(days=2)):
        assert client.post(url, {**data, "date": day.isoformat()}).status_code == 302
    third = {**data, "date": (VISIT_DAY + dt.timedelta(days=4)).isoformat()}
    warned = client.post(url, third)
    assert warned.status_code == 200
    assert "rule-hits" in text(warned)
    assert Visit.objects.count() == 2
    assert client.post(url, {**third, "override_reason": "回访整改情况"}).status_code == 302
    page = text(client.get(reverse("research:plan", args=[plan.pk])))
    assert "回访整改情况" in page
    assert page.count(world.street_a.name) >= 3
    draft_plan = draft(world)
    closed = client.get(reverse("research:visit", args=[draft_plan.pk]))
    assert closed.status_code == 200
    assert "当前不能执行" in text(closed)


def test_the_plan_list_filters_and_exports(client: Client, world: World) -> None:
    counter = topic(world, counter=True)
    flagged = in_state(world, PlanState.SUBMITTED, topic=counter)
    plain = in_state(world, PlanState.DRAFT)
    as_user(client, world.office_a)
    listed = text(client.get(reverse("research:plans"), {"counter_example": "true"}))
    assert flagged.title in listed
    assert plain.title not in listed
    by_state = text(client.get(reverse("research:plans"), {"state": "draft", "campaign": str(world.campaign.pk)}))
    assert plain.title in by_state
    assert flagged.title not in by_state
    by_topic = text(client.get(reverse("research:plans"), {"topic": counter.pk, "unit": world.district_a.pk}))
    assert flagged.title in by_topic
    assert plain.title not in by_topic
    assert client.get(reverse("research:plans"), {"unit": "abc", "topic": "1e9"}).status_code == 200
    mine = text(as_user(Client(), world.leader_a).get(reverse("research:mine")))
    assert flagged.title in mine
    assert flagged.title not in text(as_user(Client(), world.office_b).get(reverse("research:plans")))
    exported = client.get(reverse("research:plan_export"), {"state": "submitted"})
    assert exported.status_code == 200
    assert client.get(reverse("research:plan_export"), {"campaign": "abc"}).status_code == 400


def test_the_plan_page_offers_the_office_to_urge(world, client):
    plan = draft(world)
    verified_login(client, world.office_a)
    page = client.get(reverse("research:plan", args=[plan.pk])).content.decode()
    assert "/urging/new/" in page
    client.force_login(world.liaison_a)
    assert "/urging/new/" not in client.get(reverse("research:plan", args=[plan.pk])).content.decode()


HTMX = {"HX-Request": "true", "HX-Target": "plans"}


def test_the_filter_form_swaps_only_the_results_and_the_export_link(client: Client, world: World) -> None:
    plain = in_state(world, PlanState.DRAFT)
    submitted = in_state(world, PlanState.SUBMITTED)
    as_user(client, world.office_a)
    swapped = client.get(reverse("research:plans"), {"state": "draft"}, headers=HTMX)
    body = text(swapped)
    assert "<html" not in body
    assert plain.title in body
    assert submitted.title not in body
    assert 'id="plans-export" hx-swap-oob="true"' in body
    assert "/research/plans/export.xlsx?state=draft" in body
    restoring = {**HTMX, "HX-History-Restore-Request": "true"}
    page = client.get(reverse("research:plans"), {"state": "draft"}, headers=restoring)
    assert "<html" in text(page)
    assert 'hx-target="#plans"' in text(client.get(reverse("research:plans")))
    outsider = as_user(Client(), world.office_b)
    hidden = text(outsider.get(reverse("research:plans"), headers=HTMX))
    assert plain.title not in hidden
