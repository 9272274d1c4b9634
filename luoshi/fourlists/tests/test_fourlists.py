"""The four lists (四张清单): assembled from the mechanisms, counts equal to the objects, the plain items' rules,
the page, the workbook and the API."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.audit.models import Action, AuditEvent
from luoshi.core import paths
from luoshi.core.errors import RuleViolation
from luoshi.fourlists import queries, services
from luoshi.fourlists.choices import ItemStatus, ListKind
from luoshi.fourlists.models import ListItem
from luoshi.problems import services as problem_services
from luoshi.problems.models import Measure, Problem
from luoshi.research.models import ResearchPlan, ResearchTopic
from luoshi.tasks.models import Task
from luoshi.tasks.tests.factory import assigned, make_task
from luoshi.testing.problems import new_problem, rectifying
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 12, 31)


def plan(world: World, unit: Any, title: str = "基层减负调研") -> ResearchPlan:
    topic = ResearchTopic.objects.create(campaign=world.campaign, org_path=world.city.path, title="减负课题")
    return ResearchPlan.objects.create(
        campaign=world.campaign,
        topic=topic,
        unit=unit,
        org_path=unit.path,
        leader_name="张副区长",
        title=title,
        due_date=DUE,
    )


def populate(world: World) -> dict[str, Any]:
    """District A's objects of every list, and some that belong to no list of district A."""
    a, street, b = world.district_a, world.street_a, world.district_b
    made: dict[str, Any] = {}
    made["study"] = services.add_item(
        world.liaison_a, campaign=world.campaign, unit=a, kind=ListKind.STUDY, title="学习党章", owner="王书记"
    )
    made["extra"] = services.add_item(
        world.office_a, campaign=world.campaign, unit=a, kind=ListKind.INNOVATION, title="首创接诉即办", owner="李主任"
    )
    services.add_item(
        world.office_b, campaign=world.campaign, unit=b, kind=ListKind.STUDY, title="西城学习", owner="赵"
    )
    working = rectifying(world, title="东城问题一")
    new_problem(world, unit=street, title="东城街道问题")
    new_problem(world, unit=b, actor=world.liaison_b, title="西城问题")
    made["measure"] = problem_services.add_measure(
        world.leader_a, working, text="建立台账闭环", owner_unit=a, deadline=DUE, owner_name="东城领导"
    )
    services.mark_measure(world.leader_a, made["measure"], True)
    problem_services.add_measure(world.leader_a, working, text="普通措施", owner_unit=a, deadline=DUE)
    made["own_task"] = services.mark_task(world.office_a, make_task(world, title="东城创新任务"), True)
    city_task = make_task(world, actor=world.office_city, unit=world.city, title="市级创新任务")
    assigned(world, task=city_task, unit=a, actor=world.office_city)
    services.mark_task(world.office_city, city_task, True)
    make_task(world, title="东城普通任务")
    made["plan"] = plan(world, a)
    plan(world, street, "街道调研")
    return made


def direct_counts(world: World) -> dict[str, int]:
    """What each list holds, counted straight from the tables."""
    a, campaign = world.district_a, world.campaign
    tasks = Task.objects.filter(campaign=campaign, is_innovation=True).filter(Q(unit=a) | Q(assignments__unit=a))
    innovation = (
        tasks.distinct().count()
        + Measure.objects.filter(problem__campaign=campaign, owner_unit=a, is_innovation=True).count()
        + ListItem.objects.filter(campaign=campaign, unit=a, kind=ListKind.INNOVATION).count()
    )
    return {
        ListKind.STUDY: ListItem.objects.filter(campaign=campaign, unit=a, kind=ListKind.STUDY).count(),
        ListKind.PROBLEM: Problem.objects.filter(paths.subtree_q(a.path), campaign=campaign).count(),
        ListKind.RESEARCH: ResearchPlan.objects.filter(campaign=campaign, unit=a).count(),
        ListKind.INNOVATION: innovation,
    }


def test_counts_equal_the_underlying_objects(world: World) -> None:
    populate(world)
    lists = queries.assemble(world.office_a, world.campaign, world.district_a)
    expected = direct_counts(world)
    assert lists.counts == expected
    assert expected == {"study": 1, "problem": 2, "research": 1, "innovation": 4}
    for section in lists.sections:
        assert len(section.entries) == section.count
    titles = {e.title for e in lists.section(ListKind.PROBLEM).entries}
    assert titles == {"东城问题一", "东城街道问题"}
    innovation = {(e.source, e.title) for e in lists.section(ListKind.INNOVATION).entries}
    assert innovation == {
        ("task", "东城创新任务"),
        ("task", "市级创新任务"),
        ("measure", "建立台账闭环"),
        ("item", "首创接诉即办"),
    }


def test_each_list_is_cut_on_the_page_but_counts_everything(world: World) -> None:
    populate(world)
    lists = queries.assemble(world.office_a, world.campaign, world.district_a, limit=1)
    problems = lists.section(ListKind.PROBLEM)
    assert problems.count == 2
    assert len(problems.entries) == 1
    assert problems.truncated
    assert len(lists.section(ListKind.INNOVATION).entries) == 1


def test_a_list_holds_only_what_the_user_sees(world: World) -> None:
    populate(world)
    lists = queries.assemble(world.office_b, world.campaign, world.district_a)
    assert lists.counts == {"study": 0, "problem": 0, "research": 0, "innovation": 0}


def test_plain_items_are_kept_by_those_who_edit_the_problem_list_and_audited(world: World) -> None:
    item = services.add_item(
        world.liaison_a,
        campaign=world.campaign,
        unit=world.street_a,
        kind=ListKind.STUDY,
        title=" 学习新思想 ",
        owner="街道书记",
        due_date=DUE,
    )
    assert item.title == "学习新思想"
    assert item.org_path == world.street_a.path
    assert services.can_keep(world.liaison_a, world.street_a)
    assert not services.can_keep(world.leader_a, world.street_a)
    with pytest.raises(PermissionDenied):
        services.add_item(
            world.leader_a, campaign=world.campaign, unit=world.district_a, kind="study", title="x", owner="y"
        )
    with pytest.raises(PermissionDenied):
        services.edit_item(world.office_b, item, status=ItemStatus.DONE)
    with pytest.raises(PermissionDenied):
        services.require_keeper(world.office_b, world.street_a)
    edited = services.edit_item(world.office_a, item, status=ItemStatus.DONE, owner="新书记")
    assert (edited.status, edited.owner) == (ItemStatus.DONE, "新书记")
    update = AuditEvent.objects.filter(object_type="fourlists.listitem", action=Action.UPDATE).get()
    assert update.before == {"owner": "街道书记", "status": "planned"}
    services.delete_item(world.liaison_a, edited)
    assert not ListItem.objects.exists()
    deleted = AuditEvent.objects.filter(object_type="fourlists.listitem", action=Action.DELETE).get()
    assert (deleted.before or {}).get("title") == "学习新思想"
    assert AuditEvent.objects.filter(object_type="fourlists.listitem", action=Action.CREATE).count() == 1


@pytest.mark.parametrize(
    ("kind", "title", "owner", "status"),
    [
        (ListKind.PROBLEM, "问题", "甲", ItemStatus.PLANNED),
        (ListKind.RESEARCH, "调研", "甲", ItemStatus.PLANNED),
        ("other", "事项", "甲", ItemStatus.PLANNED),
        (ListKind.STUDY, "  ", "甲", ItemStatus.PLANNED),
        (ListKind.STUDY, "事项", "", ItemStatus.PLANNED),
        (ListKind.STUDY, "事项", "甲", "lost"),
        (ListKind.STUDY, "事\x00项", "甲", ItemStatus.PLANNED),
    ],
)
def test_broken_items_are_refused(world: World, kind: str, title: str, owner: str, status: str) -> None:
    with pytest.raises(RuleViolation):
        services.add_item(
            world.office_a,
            campaign=world.campaign,
            unit=world.district_a,
            kind=kind,
            title=title,
            owner=owner,
            status=status,
        )
    assert not ListItem.objects.exists()


def test_a_unit_outside_the_campaign_or_an_ended_campaign_is_refused(world: World) -> None:
    from luoshi.campaigns.models import Campaign

    own = Campaign.objects.create(name="东城专项", unit=world.district_a, starts_on=DUE, ends_on=DUE)
    with pytest.raises(RuleViolation):
        services.add_item(world.office_city, campaign=own, unit=world.district_b, kind="study", title="x", owner="y")
    own.is_active = False
    own.save()
    with pytest.raises(RuleViolation, match="已结束"):
        services.add_item(world.office_a, campaign=own, unit=world.district_a, kind="study", title="x", owner="y")
    assert not ListItem.objects.exists()


def test_marking_innovation_needs_the_right_to_manage_it(world: World) -> None:
    task = make_task(world)
    with pytest.raises(PermissionDenied):
        services.mark_task(world.liaison_a, task, True)
    marked = services.mark_task(world.office_a, task, True)
    assert marked.is_innovation
    assert marked.version == task.version + 1
    assert services.mark_task(world.office_a, marked, True).version == marked.version  # no change, no record
    problem = rectifying(world)
    measure = problem_services.add_measure(
        world.leader_a, problem, text="措施", owner_unit=world.district_a, deadline=DUE
    )
    with pytest.raises(PermissionDenied):
        services.mark_measure(world.liaison_a, measure, True)
    assert services.mark_measure(world.leader_a, measure, True).is_innovation
    assert not services.mark_measure(world.leader_a, measure, False).is_innovation
    details = list(
        AuditEvent.objects.filter(detail__contains="创新举措").order_by("seq").values_list("detail", flat=True)
    )
    assert details == ["标记创新举措", "标记创新举措", "取消创新举措"]


# --- pages ---------------------------------------------------------------------------------------------------------


def test_the_page_shows_the_unit_lists_and_counts(client: Any, world: World) -> None:
    populate(world)
    verified_login(client, world.office_a)
    response = client.get(f"/fourlists/?campaign={world.campaign.pk}")
    assert response.status_code == 200
    lists = response.context["lists"]
    assert response.context["unit"] == world.district_a  # the user's own top unit
    assert lists.counts == direct_counts(world)
    text = response.content.decode()
    for kind, count in direct_counts(world).items():
        assert f'data-count="{kind}">{count}<' in text
    assert "东城街道问题" in text
    assert "西城问题" not in text
    assert "本单位及下级单位" in text
    assert "添加事项" in text


def test_the_page_refuses_bad_and_outside_ids(client: Any, world: World) -> None:
    verified_login(client, world.office_a)
    assert client.get("/fourlists/?unit=abc").status_code == 400
    assert client.get("/fourlists/?unit=1%002").status_code == 400
    assert client.get("/fourlists/?campaign=9e9").status_code == 400
    assert client.get(f"/fourlists/?unit={world.district_b.pk}").status_code == 404
    assert client.get("/fourlists/?unit=987654321").status_code == 404
    assert client.get(f"/fourlists/?unit={world.street_a.pk}").status_code == 200


def test_items_through_the_pages(client: Any, world: World) -> None:
    verified_login(client, world.liaison_a)
    query = f"campaign={world.campaign.pk}&unit={world.district_a.pk}"
    assert client.get(f"/fourlists/items/new/?{query}&kind=innovation").status_code == 200
    data = {"kind": "innovation", "title": "=1+1", "owner": "王", "due_date": "2026-12-01", "status": "ongoing"}
    response = client.post(f"/fourlists/items/new/?{query}", data)
    assert response.status_code == 302
    item = ListItem.objects.get()
    assert (item.kind, item.title, item.unit) == ("innovation", "=1+1", world.district_a)
    edit = f"/fourlists/items/{item.pk}/edit/"
    response = client.post(edit, {"title": "新标题", "owner": "王", "due_date": "", "status": "done"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.status, item.due_date) == ("新标题", "done", None)
    verified_login(client, world.leader_a)
    assert client.get(f"/fourlists/items/new/?{query}").status_code == 403
    assert client.get(edit).status_code == 200  # read only for those who see it
    assert client.post(edit, {"title": "越权", "owner": "王", "status": "done"}).status_code == 403
    assert client.post(f"/fourlists/items/{item.pk}/delete/").status_code == 403
    verified_login(client, world.office_b)
    assert client.get(edit).status_code == 404
    assert client.post(f"/fourlists/items/{item.pk}/delete/").status_code == 404
    verified_login(client, world.office_a)
    assert client.post(f"/fourlists/items/{item.pk}/delete/").status_code == 302
    assert not ListItem.objects.exists()


def test_mark_pages(client: Any, world: World) -> None:
    task = make_task(world)
    verified_login(client, world.office_a)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert f"/fourlists/tasks/{task.pk}/innovation/" in page
    assert 'id="innovation"' not in page
    response = client.post(f"/fourlists/tasks/{task.pk}/innovation/", {"innovation": "1", "next": "//evil"})
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/{task.pk}/"
    assert Task.objects.get(pk=task.pk).is_innovation
    assert client.post(f"/fourlists/tasks/{task.pk}/innovation/", {"innovation": "x"}).status_code == 400
    problem = rectifying(world)
    measure = problem_services.add_measure(
        world.leader_a, problem, text="措施", owner_unit=world.district_a, deadline=DUE
    )
    assert client.post(f"/fourlists/measures/{measure.pk}/innovation/", {"innovation": "1"}).status_code == 404
    verified_login(client, world.leader_a)
    url = f"/fourlists/measures/{measure.pk}/innovation/"
    response = client.post(url, {"innovation": "1", "next": f"/problems/{problem.pk}/"})
    assert response.status_code == 302
    assert Measure.objects.get(pk=measure.pk).is_innovation
    page = client.get(f"/problems/{problem.pk}/").content.decode()
    assert "取消创新举措" in page
    measures = api(world.leader_a).get(f"/api/v1/measures/?problem={problem.pk}").json()["results"]
    assert [m["is_innovation"] for m in measures] == [True]
    verified_login(client, world.liaison_a)
    assert 'id="innovation"' in client.get(f"/tasks/{task.pk}/").content.decode()
    assert api(world.liaison_a).get(f"/api/v1/tasks/{task.pk}/").json()["is_innovation"] is True
    verified_login(client, world.office_b)
    assert client.post(f"/fourlists/tasks/{task.pk}/innovation/", {"innovation": "0"}).status_code == 404
    assert Task.objects.get(pk=task.pk).is_innovation


def test_the_workbook_has_four_sheets_counting_the_objects_with_cells_neutralised(client: Any, world: World) -> None:
    populate(world)
    services.add_item(
        world.office_a, campaign=world.campaign, unit=world.district_a, kind="study", title="=HYPERLINK(1)", owner="@王"
    )
    verified_login(client, world.office_a)
    response = client.get(f"/fourlists/export/?campaign={world.campaign.pk}&unit={world.district_a.pk}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["学习清单", "问题清单", "调研清单", "创新举措清单"]
    counts = direct_counts(world)
    for kind, name in zip(("study", "problem", "research", "innovation"), book.sheetnames, strict=True):
        assert book[name].max_row - 1 == counts[kind]
    cells = [c.value for row in book["学习清单"].iter_rows(min_row=2) for c in row]
    assert "'=HYPERLINK(1)" in cells
    assert "'@王" in cells
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="orgs.unit").exists()
    verified_login(client, world.office_b)
    assert client.get(f"/fourlists/export/?unit={world.district_a.pk}").status_code == 404


# --- API -------------------------------------------------------------------------------------------------------------


def api(user: Any) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_api_assembled_lists_count_the_objects(world: World) -> None:
    made = populate(world)
    answer = api(world.office_a).get(f"/api/v1/four-lists/?campaign={world.campaign.pk}&unit={world.district_a.pk}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["counts"] == direct_counts(world)
    assert [(s["kind"], s["count"]) for s in body["lists"]] == list(direct_counts(world).items())
    rows = {(r["kind"], r["type"], r["id"]) for r in body["results"]}
    assert ("research", "research_plan", made["plan"].pk) in rows
    assert ("innovation", "measure", made["measure"].pk) in rows
    assert len(body["results"]) == sum(body["counts"].values())
    outsider = api(world.office_b)
    assert outsider.get(f"/api/v1/four-lists/?unit={world.district_a.pk}").status_code == 404
    assert outsider.get("/api/v1/four-lists/?unit=x").status_code == 400
    assert outsider.get("/api/v1/four-lists/?campaign=1%00").status_code == 400


def test_api_list_items(world: World) -> None:
    client = api(world.liaison_a)
    body = {
        "campaign": world.campaign.pk,
        "unit": world.district_a.pk,
        "kind": "study",
        "title": "学习条例",
        "owner": "王",
    }
    created = client.post("/api/v1/list-items/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.post("/api/v1/list-items/", {**body, "kind": "problem"}, format="json").status_code == 400
    assert client.post("/api/v1/list-items/", {**body, "title": "a\x00"}, format="json").status_code == 400
    changed = client.patch(f"/api/v1/list-items/{pk}/", {"status": "done"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["status"] == "done"
    assert [r["id"] for r in client.get("/api/v1/list-items/?kind=study").json()["results"]] == [pk]
    outsider = api(world.office_b)
    assert outsider.get(f"/api/v1/list-items/{pk}/").status_code == 404
    assert outsider.post("/api/v1/list-items/", body, format="json").status_code == 400
    assert api(world.leader_a).delete(f"/api/v1/list-items/{pk}/").status_code == 403
    assert client.delete(f"/api/v1/list-items/{pk}/").status_code == 204
    assert not ListItem.objects.exists()


def test_api_marks_innovation(world: World) -> None:
    task = make_task(world)
    office = api(world.office_a)
    assert office.get(f"/api/v1/innovation-tasks/{task.pk}/").json()["is_innovation"] is False
    marked = office.post(f"/api/v1/innovation-tasks/{task.pk}/mark/", {"innovation": True}, format="json")
    assert marked.status_code == 200
    assert marked.json()["is_innovation"] is True
    assert Task.objects.get(pk=task.pk).is_innovation
    url = f"/api/v1/innovation-tasks/{task.pk}/mark/"
    assert api(world.liaison_a).post(url, {"innovation": False}, format="json").status_code == 403
    assert api(world.office_b).post(url, {"innovation": False}, format="json").status_code == 404
    assert office.post(url, {"innovation": "maybe"}, format="json").status_code == 400
    problem = rectifying(world)
    measure = problem_services.add_measure(
        world.leader_a, problem, text="措施", owner_unit=world.district_a, deadline=DUE
    )
    url = f"/api/v1/innovation-measures/{measure.pk}/mark/"
    assert api(world.leader_a).post(url, {"innovation": True}, format="json").json()["is_innovation"] is True
    assert api(world.office_b).get(f"/api/v1/innovation-measures/{measure.pk}/").status_code == 404
