"""The key-task pages, as each role uses them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.audit.models import Action, AuditEvent
from luoshi.orgs.models import UnitKind
from luoshi.tasks import services
from luoshi.tasks.choices import State
from luoshi.tasks.models import Milestone, Task, TaskAssignment, TaskEvidence
from luoshi.tasks.tests.factory import assigned, fresh, in_state, make_task, streets
from luoshi.testing.problems import png
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def as_user(client: Client, user) -> Client:
    verified_login(client, user)
    return client


def text(response) -> str:
    return response.content.decode()


def test_overview_shows_the_tasks_in_plan_order_with_their_progress(client: Client, world: World) -> None:
    root = make_task(world, title="优化营商环境")
    child = make_task(world, title="压减审批时限", parent=root, due_on=root.due_on)
    item = services.sign(world.liaison_a, assigned(world, task=child))
    services.report_progress(world.liaison_a, item, text="已压减一半", percent=50)
    page = as_user(client, world.office_a).get(reverse("tasks:overview"), {"campaign": world.campaign.pk})
    body = text(page)
    assert page.status_code == 200
    assert body.index("优化营商环境") < body.index("压减审批时限")
    assert body.count("50.0%") == 2  # the sub-task, and its parent rolled up from it
    assert "部署重点任务" in body
    liaison = Client()
    verified_login(liaison, world.liaison_a)
    assert "部署重点任务" not in text(liaison.get(reverse("tasks:overview")))


def test_overview_offers_the_office_its_forms(client: Client, world: World) -> None:
    body = text(as_user(client, world.office_city).get(reverse("tasks:overview")))
    assert "部署重点任务" in body
    assert "导入任务清单" in body


def test_the_security_admin_is_refused(client: Client, world: World) -> None:
    for name in ("tasks:overview", "tasks:assignments"):
        assert as_user(client, world.secadmin).get(reverse(name)).status_code == 403


def test_office_creates_splits_and_marks_milestones_through_pages(client: Client, world: World) -> None:
    office = as_user(client, world.office_city)
    new = office.get(reverse("tasks:new"), {"campaign": world.campaign.pk})
    assert new.status_code == 200
    source = services.sources_for(world.campaign)[1]
    due = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    data = {
        "title": "推进数字政府",
        "source": source.pk,
        "unit": world.city.pk,
        "weight": "2",
        "due_on": due,
        "cycle": "weekly",
    }
    created = office.post(reverse("tasks:new") + f"?campaign={world.campaign.pk}", data)
    task = Task.objects.get(title="推进数字政府")
    assert created.status_code == 302
    assert (task.weight, task.cycle, task.unit) == (2, "weekly", world.city)
    split = office.post(reverse("tasks:new") + f"?parent={task.pk}", {**data, "title": "建设政务平台", "weight": "1"})
    assert split.status_code == 302
    assert Task.objects.get(title="建设政务平台").parent == task
    office.post(reverse("tasks:milestone_new", args=[task.pk]), {"name": "完成方案", "due_on": due})
    milestone = Milestone.objects.get(task=task)
    office.post(reverse("tasks:milestone_reach", args=[task.pk, milestone.pk]))
    assert Milestone.objects.get(pk=milestone.pk).reached
    detail = text(office.get(reverse("tasks:detail", args=[task.pk])))
    assert "建设政务平台" in detail
    assert "已达成" in detail


def test_a_fourth_level_is_not_offered_and_is_refused(client: Client, world: World) -> None:
    one = make_task(world, title="一级")
    two = make_task(world, title="二级", parent=one, due_on=one.due_on)
    three = make_task(world, title="三级", parent=two, due_on=one.due_on)
    office = as_user(client, world.office_a)
    assert "分解子任务" not in text(office.get(reverse("tasks:detail", args=[three.pk])))
    source = services.sources_for(world.campaign)[0]
    data = {"title": "四级", "source": source.pk, "weight": "1", "due_on": one.due_on.isoformat(), "cycle": "monthly"}
    refused = office.post(reverse("tasks:new") + f"?parent={three.pk}", data)
    assert refused.status_code == 200
    assert "最多分解为 3 级" in text(refused)
    assert not Task.objects.filter(title="四级").exists()


def test_the_office_assigns_every_street_of_the_district_in_one_form(client: Client, world: World) -> None:
    more = streets(world, 2)
    task = make_task(world)
    office = as_user(client, world.office_a)
    assert office.get(reverse("tasks:assign", args=[task.pk])).status_code == 200
    kind = UnitKind.objects.get(code="street")
    data = {
        "mode": "kind",
        "kind": kind.pk,
        "root": world.district_a.pk,
        "role": "lead",
        "due_on": task.due_on.isoformat(),
    }
    answer = office.post(reverse("tasks:assign", args=[task.pk]), data, follow=True)
    assert "已交办 3 个单位" in text(answer)
    board = text(office.get(reverse("tasks:detail", args=[task.pk])))
    for unit in (world.street_a, *more):
        assert unit.name in board
    missing = office.post(reverse("tasks:assign", args=[task.pk]), {**data, "mode": "unit", "unit": ""})
    assert "请选择承办单位" in text(missing)


def test_the_assign_page_is_refused_to_a_unit_that_only_handles_the_task(client: Client, world: World) -> None:
    item = assigned(world)
    liaison = as_user(client, world.liaison_a)
    assert liaison.get(reverse("tasks:assign", args=[item.task_id])).status_code == 403


def test_buttons_follow_the_engine_for_each_role(client: Client, world: World) -> None:
    item = assigned(world)
    url = reverse("tasks:assignment", args=[item.pk])
    liaison, office = Client(), Client()
    verified_login(liaison, world.liaison_a)
    verified_login(office, world.office_a)
    assert "签收</button>" in text(liaison.get(url))
    assert "签收</button>" not in text(office.get(url))
    assert 'data-action="revoke"' in text(office.get(url))
    liaison.post(reverse("tasks:sign", args=[item.pk]), {"version": item.version})
    body = text(liaison.get(url))
    assert 'data-action="report_progress"' in body
    assert 'data-action="request_finish"' in body
    assert 'data-action="accept"' not in body


def test_the_loop_through_the_action_pages(client: Client, world: World) -> None:
    item = services.sign(world.liaison_a, assigned(world))
    liaison = Client()
    verified_login(liaison, world.liaison_a)
    form = liaison.get(reverse("tasks:report_progress", args=[item.pk]))
    assert form.status_code == 200
    data = {"version": item.version, "percent": "60", "text": "完成 6 个小区", "difficulties": "", "next_steps": ""}
    liaison.post(reverse("tasks:report_progress", args=[item.pk]), {**data, "evidence": png("照片.png")})
    assert fresh(item).percent == 60
    item = fresh(item)
    liaison.post(reverse("tasks:request_finish", args=[item.pk]), {"version": item.version, "summary": "完成"})
    office = as_user(client, world.office_a)
    item = fresh(item)
    office.post(reverse("tasks:send_back", args=[item.pk]), {"version": item.version, "reason": "请补充照片"})
    assert fresh(item).state == State.IN_PROGRESS
    stale = office.post(reverse("tasks:revoke", args=[item.pk]), {"version": item.version, "reason": "调整"})
    assert "已被他人修改" in text(stale)
    item = fresh(item)
    liaison.post(reverse("tasks:request_finish", args=[item.pk]), {"version": item.version, "summary": "已补充"})
    item = fresh(item)
    office.post(reverse("tasks:accept", args=[item.pk]), {"version": item.version, "note": "同意"})
    assert fresh(item).state == State.DONE
    page = text(office.get(reverse("tasks:assignment", args=[item.pk])))
    assert "退回" in page
    assert "照片.png" in page


def test_an_action_not_open_now_says_so(client: Client, world: World) -> None:
    item = assigned(world)
    page = as_user(client, world.office_a).get(reverse("tasks:accept", args=[item.pk]))
    assert page.status_code == 200
    assert "当前不能执行「验收办结」" in text(page)
    refused = Client()
    verified_login(refused, world.leader_a)
    assert refused.get(reverse("tasks:accept", args=[item.pk])).status_code == 403


def test_extension_pages(client: Client, world: World) -> None:
    item = in_state(world, State.IN_PROGRESS)
    liaison = Client()
    verified_login(liaison, world.liaison_a)
    new_due = (item.due_on + dt.timedelta(days=10)).isoformat()
    liaison.post(
        reverse("tasks:request_extension", args=[item.pk]),
        {"new_due": new_due, "reason": "雨季", "version": item.version},
    )
    ext = item.extensions.get()
    office = as_user(client, world.office_a)
    assert "同意延期" in text(office.get(reverse("tasks:assignment", args=[item.pk])))
    office.post(reverse("tasks:approve_extension", args=[item.pk, ext.pk]), {"note": "同意"})
    assert fresh(item).due_on.isoformat() == new_due


def test_pass_down_page(client: Client, world: World) -> None:
    item = services.sign(world.liaison_a, assigned(world, unit=world.district_a))
    liaison = as_user(client, world.liaison_a)
    assert liaison.get(reverse("tasks:pass_down", args=[item.pk])).status_code == 200
    data = {
        "mode": "unit",
        "unit": world.street_a.pk,
        "role": "lead",
        "due_on": item.due_on.isoformat(),
        "version": item.version,
    }
    answer = liaison.post(reverse("tasks:pass_down", args=[item.pk]), data, follow=True)
    assert "已下达至 1 个下级单位" in text(answer)
    assert TaskAssignment.objects.get(parent=item).unit == world.street_a


def test_evidence_download_is_scoped_and_audited(client: Client, world: World) -> None:
    item = in_state(world, State.IN_PROGRESS)
    services.report_progress(world.liaison_a, item, text="进展", percent=10, files=[png("现场.png")])
    evidence = TaskEvidence.objects.get()
    outsider = Client()
    verified_login(outsider, world.leader_b)
    assert outsider.get(reverse("tasks:evidence", args=[evidence.pk])).status_code == 404
    answer = as_user(client, world.leader_a).get(reverse("tasks:evidence", args=[evidence.pk]))
    assert answer.status_code == 200
    assert "attachment" in answer["Content-Disposition"]
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="tasks.taskevidence").count() == 1


def test_the_unit_board_filters_counts_and_ignores_bad_numbers(client: Client, world: World) -> None:
    in_state(world, State.IN_PROGRESS)
    in_state(world, State.PENDING_SIGN, unit=world.district_a)
    liaison = as_user(client, world.liaison_a)
    page = liaison.get(reverse("tasks:assignments"), {"state": "pending_sign"})
    body = text(page)
    assert page.status_code == 200
    assert 'data-unit="东城区"' in body
    assert 'data-unit="东城街道"' not in body
    bad = liaison.get(reverse("tasks:assignments"), {"task": "1e30", "unit": "abc"})
    assert bad.status_code == 200
    assert "无效，已忽略" in text(bad)


def test_board_exports_are_workbooks_of_what_the_board_shows(client: Client, world: World) -> None:
    item = in_state(world, State.IN_PROGRESS)
    office = as_user(client, world.office_a)
    answer = office.get(reverse("tasks:assignments_export"), {"task": item.task_id})
    book = load_workbook(io.BytesIO(answer.getvalue()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][1:3] == ("推进老旧小区改造", "东城街道")
    overview = office.get(reverse("tasks:export"), {"campaign": world.campaign.pk})
    sheet = load_workbook(io.BytesIO(overview.getvalue())).active
    assert [r[3] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["推进老旧小区改造"]
    assert AuditEvent.objects.filter(action=Action.EXPORT).count() == 2


def test_sources_page(client: Client, world: World) -> None:
    office = as_user(client, world.office_city)
    url = reverse("tasks:sources") + f"?campaign={world.campaign.pk}"
    assert "会议部署" in text(office.get(url))
    office.post(url, {"name": "群众点题"})
    assert "群众点题" in text(office.get(url))
    liaison = Client()
    verified_login(liaison, world.liaison_a)
    assert liaison.post(url, {"name": "越权"}).status_code == 403


def test_home_lists_the_tasks_to_sign_and_to_accept(client: Client, world: World) -> None:
    assigned(world)
    in_state(world, State.FINISH_REQUESTED, unit=world.district_a)
    liaison = text(as_user(client, world.liaison_a).get("/"))
    assert "待签收的任务" in liaison
    office = Client()
    verified_login(office, world.office_a)
    body = text(office.get("/"))
    assert "待验收的办结申请" in body
    linked = office.get(reverse("tasks:assignments"), {"todo": "to_accept"})
    assert 'data-unit="东城区"' in text(linked)
