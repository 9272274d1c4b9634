"""Study plan pages (学习计划): the list, the form with its items, the detail, the actions and the export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.study.choices import PlanState
from luoshi.study.models import StudyPlan
from luoshi.study.tests.plan_factory import fresh, held_session, in_state
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def as_user(client: Client, user: Any) -> Client:
    verified_login(client, user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def formset(rows: list[dict[str, str]], initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": str(initial),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "100",
    }
    for n, row in enumerate(rows):
        data.update({f"items-{n}-{k}": v for k, v in row.items()})
    return data


ROW = {"topic": "学习新修订的条例", "planned_date": "2026-06-01", "half_days": "2", "form": "topic"}
BLANK = {"topic": "", "planned_date": "", "half_days": "1", "form": "central"}


def test_a_plan_is_drafted_with_its_items_through_the_form(client: Client, world: World) -> None:
    as_user(client, world.liaison_a)
    url = reverse("study:plan_new") + f"?campaign={world.campaign.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert "items-TOTAL_FORMS" in text(page)
    data = {"unit": world.district_a.pk, "title": "东城学习计划", "due_date": "2026-11-30"}
    broken = client.post(url, {**data, **formset([{**ROW, "half_days": "0"}])})
    assert broken.status_code == 200
    assert not StudyPlan.objects.exists()
    made = client.post(url, {**data, **formset([ROW, BLANK])})
    plan = StudyPlan.objects.get()
    assert made.status_code == 302
    assert made["Location"] == reverse("study:plan_detail", args=[plan.pk])
    assert list(plan.items.values_list("topic", "half_days", "form")) == [("学习新修订的条例", 2, "topic")]
    outside = client.post(url, {**data, "unit": world.district_b.pk, **formset([ROW])})
    assert outside.status_code == 200
    assert StudyPlan.objects.count() == 1
    assert as_user(Client(), world.leader_a).get(url).status_code == 403


def test_items_are_edited_through_the_formset_while_draft(client: Client, world: World) -> None:
    plan = in_state(world, PlanState.DRAFT)
    as_user(client, world.liaison_a)
    url = reverse("study:plan_edit", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "学习党章党规" in text(page)
    rows = [{**ROW, "topic": "学习党章党规"}, {**ROW, "topic": "专题研讨", "DELETE": "on"}, BLANK]
    data = {"title": "改后的计划", "due_date": "2026-10-31", "version": plan.version, **formset(rows, initial=2)}
    assert client.post(url, data).status_code == 302
    changed = fresh(plan)
    assert changed.title == "改后的计划"
    assert list(changed.items.values_list("topic", flat=True)) == ["学习党章党规"]
    stale = client.post(url, data)
    assert stale.status_code == 200
    assert "已被他人修改" in text(stale)
    approved = in_state(world, PlanState.APPROVED)
    assert client.get(reverse("study:plan_edit", args=[approved.pk])).status_code == 302
    assert as_user(Client(), world.office_b).get(url).status_code == 404
    assert as_user(Client(), world.leader_a).get(url).status_code == 404


def test_list_detail_and_the_review_through_the_pages(client: Client, world: World) -> None:
    plan = in_state(world, PlanState.SUBMITTED)
    in_state(world, PlanState.DRAFT, maker=world.office_b, unit=world.district_b, title="西城计划")
    as_user(client, world.office_a)
    listed = client.get(reverse("study:plan_list"), {"campaign": str(world.campaign.pk), "state": "submitted"})
    assert listed.status_code == 200
    assert plan.title in text(listed)
    assert "西城计划" not in text(listed)
    ignored = client.get(reverse("study:plan_list"), {"unit": world.district_b.pk})
    assert ignored.status_code == 200
    assert "已忽略" in text(ignored)
    assert "西城计划" not in text(ignored)
    detail = client.get(reverse("study:plan_detail", args=[plan.pk]))
    body = text(detail)
    assert detail.status_code == 200
    assert reverse("study:plan_approve", args=[plan.pk]) in body
    assert "报送审核" in body
    returned = client.post(reverse("study:plan_return", args=[plan.pk]), {"comments": "", "version": plan.version})
    assert returned.status_code == 200
    assert fresh(plan).state == PlanState.SUBMITTED
    data = {"comments": "请细化", "version": plan.version}
    assert client.post(reverse("study:plan_return", args=[plan.pk]), data).status_code == 302
    assert fresh(plan).state == PlanState.RETURNED
    assert "请细化" in text(client.get(reverse("study:plan_detail", args=[plan.pk])))
    refused = client.get(reverse("study:plan_approve", args=[plan.pk]))
    assert "不能执行" in text(refused)
    as_user(client, world.liaison_a)
    assert (
        client.post(reverse("study:plan_submit", args=[plan.pk]), {"version": fresh(plan).version}).status_code == 302
    )
    own = as_user(Client(), world.liaison_a).get(reverse("study:plan_approve", args=[plan.pk]))
    assert own.status_code == 403
    as_user(client, world.office_city)
    data = {"comments": "同意", "version": fresh(plan).version}
    assert client.post(reverse("study:plan_approve", args=[plan.pk]), data).status_code == 302
    assert fresh(plan).state == PlanState.APPROVED


def test_own_plan_review_is_refused_on_the_page_with_the_reason(client: Client, world: World) -> None:
    plan = in_state(world, PlanState.SUBMITTED, maker=world.office_a)
    as_user(client, world.office_a)
    detail = text(client.get(reverse("study:plan_detail", args=[plan.pk])))
    assert "不能审核自己制定的学习计划" in detail
    assert reverse("study:plan_approve", args=[plan.pk]) not in detail
    page = client.get(reverse("study:plan_approve", args=[plan.pk]))
    assert "不能审核自己制定的学习计划" in text(page)


def test_items_are_marked_done_with_a_session_and_the_plan_completes(client: Client, world: World) -> None:
    plan = in_state(world, PlanState.APPROVED)
    session = held_session(world)
    first, second = plan.items.order_by("order")
    as_user(client, world.liaison_a)
    url = reverse("study:plan_item_done", args=[plan.pk, first.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "第一讲" in text(page)
    assert client.post(url, {"version": plan.version, "session": str(session.pk)}).status_code == 302
    assert client.post(url, {"version": fresh(plan).version}).status_code == 200  # already done: refused on the form
    assert client.post(url, {"session": "abc"}).status_code == 200
    second_url = reverse("study:plan_item_done", args=[plan.pk, second.pk])
    assert client.post(second_url, {"version": fresh(plan).version}).status_code == 302
    assert fresh(plan).state == PlanState.DONE
    other = in_state(world, PlanState.APPROVED)
    assert client.get(reverse("study:plan_item_done", args=[other.pk, first.pk])).status_code == 404
    complete = reverse("study:plan_complete", args=[other.pk])
    assert client.post(complete, {"note": "提前完成", "version": other.version}).status_code == 302
    assert fresh(other).state == PlanState.DONE


def test_outsiders_get_404_and_the_export_has_the_items(client: Client, world: World) -> None:
    plan = in_state(world, PlanState.APPROVED)
    as_user(client, world.office_b)
    for name in ("plan_detail", "plan_edit", "plan_submit", "plan_approve", "plan_complete"):
        assert client.get(reverse(f"study:{name}", args=[plan.pk])).status_code == 404, name
    assert client.get(reverse("study:plan_detail", args=[987654321])).status_code == 404
    as_user(client, world.liaison_a)
    export = client.get(reverse("study:plan_export"), {"campaign": world.campaign.pk})
    assert export.status_code == 200
    content = b"".join(export.streaming_content)  # type: ignore[attr-defined]
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert [r[5] for r in rows[1:]] == ["学习党章党规", "专题研讨"]
    assert client.get(reverse("study:plan_export"), {"campaign": "abc"}).status_code == 400
    bad_state = {"campaign": str(world.campaign.pk), "state": "lost"}
    assert client.get(reverse("study:plan_export"), bad_state).status_code == 400
