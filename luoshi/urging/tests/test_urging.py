"""Urging (催办): who may urge what, acknowledgement, the ladder, counts, audit, notices, pages and API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.collection.tests.factory import submission
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.livelihood.tests.helpers import new_project
from luoshi.notices.models import NoticeKind, Notification
from luoshi.testing.problems import closed, new_problem
from luoshi.testing.twofactor import verified_login
from luoshi.urging import services
from luoshi.urging.models import MESSAGE_MAX, Urge, UrgeLevel

pytestmark = pytest.mark.django_db


def test_office_urges_a_problem_its_unit_is_notified_and_the_urge_is_audited(world, django_capture_on_commit_callbacks):
    problem = new_problem(world)
    with django_capture_on_commit_callbacks(execute=True):
        [urge] = services.urge(world.office_a, [problem], message="请本周内报送整改进展", level=UrgeLevel.URGE)
    assert (urge.unit_id, urge.org_path, urge.level) == (world.district_a.pk, problem.org_path, "urge")
    assert urge.url == reverse("problems:detail", args=[problem.pk])
    notice = Notification.objects.get(kind=NoticeKind.URGED, recipient=world.liaison_a)
    assert notice.title == f"【催办】{problem.title}"
    assert notice.url == f"/urging/{urge.pk}/"
    assert set(Notification.objects.filter(kind=NoticeKind.URGED).values_list("recipient__username", flat=True)) == {
        "liaison_a",
        "leader_a",
        "leader_a2",
    }
    event = AuditEvent.objects.get(object_type="urging.urge", object_id=str(urge.pk))
    assert event.actor == world.office_a
    assert (event.after or {})["message"] == "请本周内报送整改进展"
    assert services.count_for(problem) == 1


def test_only_the_office_in_scope_may_urge(world):
    problem = new_problem(world)
    for user in (world.office_b, world.liaison_a, world.leader_a, world.nobody):
        with pytest.raises(NotAllowed):
            services.urge(user, [problem], message="快")
    assert not Urge.objects.exists()


def test_closed_items_are_not_urged_and_a_batch_is_all_or_nothing(world):
    open_one, done = new_problem(world), closed(world)
    with pytest.raises(RuleViolation, match="已办结"):
        services.urge(world.office_city, [open_one, done], message="快")
    assert not Urge.objects.exists()


@pytest.mark.parametrize("message", ["", "   ", "字" * (MESSAGE_MAX + 1)])
def test_the_message_is_required_and_bounded(world, message):
    with pytest.raises(RuleViolation):
        services.urge(world.office_a, [new_problem(world)], message=message)


def test_the_ladder_proposes_the_next_level(world):
    problem = new_problem(world)
    label = "problems.problem"
    assert services.next_level(label, [problem.pk]) == UrgeLevel.REMIND
    services.urge(world.office_a, [problem], message="提醒", level=UrgeLevel.REMIND)
    assert services.next_level(label, [problem.pk]) == UrgeLevel.URGE
    services.urge(world.office_a, [problem], message="督办", level=UrgeLevel.SUPERVISE)
    assert services.next_level(label, [problem.pk]) == UrgeLevel.SUPERVISE
    assert services.counts(label, [problem.pk]) == {problem.pk: 2}


def test_the_owner_acknowledges_once_and_others_may_not(world):
    [urge] = services.urge(world.office_a, [new_problem(world)], message="快")
    with pytest.raises(NotAllowed):
        services.acknowledge(world.liaison_b, urge)
    with pytest.raises(NotAllowed):
        services.acknowledge(world.office_a, urge)
    done = services.acknowledge(world.liaison_a, urge, "已安排专人")
    assert done.acknowledged_by == world.liaison_a
    assert done.reply == "已安排专人"
    with pytest.raises(RuleViolation, match="已签收"):
        services.acknowledge(world.leader_a, urge)
    assert AuditEvent.objects.filter(object_type="urging.urge", action="transition").count() == 1


def test_supervised_units_name_the_unit_until_it_acknowledges(world):
    [urge] = services.urge(world.office_city, [new_problem(world)], message="督办", level=UrgeLevel.SUPERVISE)
    services.urge(world.office_city, [new_problem(world)], message="催办", level=UrgeLevel.URGE)
    assert [row["unit"] for row in services.supervised_units(world.office_city)] == ["东城区"]
    assert services.supervised_units(world.office_b) == []
    services.acknowledge(world.leader_a, urge)
    assert services.supervised_units(world.office_city) == []


def test_who_sees_urges(world):
    [urge] = services.urge(world.office_a, [new_problem(world)], message="快")
    assert list(services.to_acknowledge(world.liaison_a)) == [urge]
    assert list(services.to_acknowledge(world.office_a)) == []
    assert list(services.visible(world.office_city)) == [urge]
    assert list(services.visible(world.liaison_b)) == []


def test_urge_ids_finds_only_visible_items(world):
    mine = new_problem(world)
    theirs = new_problem(world, unit=world.district_b, actor=world.liaison_b)
    made = services.urge_ids(world.office_a, "problems.problem", [mine.pk, theirs.pk], message="快", level="remind")
    assert [u.object_id for u in made] == [mine.pk]
    assert services.load(world.office_b, "problems.problem", [mine.pk, theirs.pk]) == [theirs]
    with pytest.raises(RuleViolation):
        services.urge_ids(world.office_a, "problems.problem", [theirs.pk], message="快", level="remind")
    with pytest.raises(RuleViolation):
        services.urge_ids(world.office_a, "auth.user", [1], message="快", level="remind")


def test_require_reader(world):
    services.require_reader(world.handler_a)
    for user in (world.secadmin, world.auditor, world.nobody):
        with pytest.raises(NotAllowed):
            services.require_reader(user)


def test_require_urger(world):
    services.require_urger(world.office_a)
    with pytest.raises(NotAllowed):
        services.require_urger(world.liaison_a)


def test_list_page_urges_selected_items_and_the_owner_acknowledges_on_the_page(world, client):
    problems = [new_problem(world), new_problem(world)]
    verified_login(client, world.office_a)
    listed = client.get(reverse("problems:list"))
    assert 'id="urge-form"' in listed.content.decode()
    assert 'class="form-check-input me-1 urge-pick"' in listed.content.decode()
    url = reverse("urging:new") + f"?type=problems.problem&ids={problems[0].pk}&ids={problems[1].pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert problems[0].title in page.content.decode()
    data = {"type": "problems.problem", "ids": [p.pk for p in problems], "level": "urge", "message": "请加快整改"}
    data["next"] = "//evil.example/"
    answer = client.post(reverse("urging:new"), data)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("urging:list")
    assert Urge.objects.count() == 2
    verified_login(client, world.liaison_a)
    todo = client.get(reverse("urging:list")).content.decode()
    assert "请加快整改" in todo
    assert problems[0].title in todo
    urge = Urge.objects.earliest("pk")
    assert "被催办 1 次" in client.get(reverse("problems:detail", args=[urge.object_id])).content.decode()
    client.post(reverse("urging:acknowledge", args=[urge.pk]), {"reply": "收到"})
    urge.refresh_from_db()
    assert urge.is_acknowledged
    assert urge.reply == "收到"


def test_pages_refuse_and_hide(world, client):
    [urge] = services.urge(world.office_a, [new_problem(world)], message="快")
    verified_login(client, world.liaison_b)
    assert client.get(reverse("urging:detail", args=[urge.pk])).status_code == 404
    assert client.post(reverse("urging:acknowledge", args=[urge.pk])).status_code == 404
    assert client.get(reverse("urging:supervised")).status_code == 403
    assert client.get(reverse("urging:new") + "?type=problems.problem&ids=1").status_code == 403
    verified_login(client, world.office_a)
    assert client.get(reverse("urging:new") + "?type=problems.problem&ids=abc").status_code == 404
    assert client.get(reverse("urging:new") + "?type=auth.user&ids=1").status_code == 404
    assert client.get(reverse("urging:list") + "?show=all&level=x&type=problems.problem&id=9e99").status_code == 200
    assert client.get(reverse("urging:list") + "?show=all&type=%00&id=1").status_code == 200
    assert client.get(reverse("urging:supervised")).status_code == 200


def test_api_urges_an_item_and_acknowledges(world, client):
    problem = new_problem(world)
    verified_login(client, world.office_a)
    url = f"/api/v1/problems/{problem.pk}/urge/"
    answer = client.post(url, {"message": "请尽快", "level": "supervise"}, content_type="application/json")
    assert answer.status_code == 201
    assert answer.json()[0]["level"] == "supervise"
    bad = client.post(url, {"message": "", "level": "x"}, content_type="application/json")
    assert bad.status_code == 400
    many = {"object_type": "problems.problem", "ids": [problem.pk], "message": "再催", "level": "urge"}
    assert client.post("/api/v1/urges/", many, content_type="application/json").status_code == 201
    verified_login(client, world.liaison_b)
    assert client.post(url, {"message": "x"}, content_type="application/json").status_code == 404
    assert client.get("/api/v1/urges/").json()["results"] == []
    verified_login(client, world.liaison_a)
    todo = client.get("/api/v1/urges/?todo=true").json()["results"]
    assert len(todo) == 2
    ack = client.post(f"/api/v1/urges/{todo[0]['id']}/acknowledge/", {"reply": "收到"}, content_type="application/json")
    assert ack.status_code == 200
    assert ack.json()["is_acknowledged"]
    assert client.get("/api/v1/urges/9999999999999999999999/").status_code == 404


def test_home_page_counts_urges_and_names_supervised_units(world, client):
    services.urge(world.office_a, [new_problem(world)], message="督办", level=UrgeLevel.SUPERVISE)
    verified_login(client, world.office_a)
    office_home = client.get(reverse("home")).content.decode()
    assert "督办单位（未签收督办件）" in office_home
    assert "东城区" in office_home
    verified_login(client, world.liaison_a)
    liaison_home = client.get(reverse("home")).content.decode()
    assert "待签收的催办" in liaison_home
    assert "督办单位（未签收督办件）" not in liaison_home


def test_livelihood_projects_and_submissions_can_be_urged_from_their_pages(world, client):
    project, filing = new_project(world), submission(world)
    services.urge(world.office_a, [project], message="请加快项目进度")
    services.urge(world.office_a, [filing], message="请按时填报")
    verified_login(client, world.office_a)
    assert "被催办 1 次" in client.get(reverse("livelihood:detail", args=[project.pk])).content.decode()
    assert "被催办 1 次" in client.get(reverse("collection:submission", args=[filing.pk])).content.decode()
    assert Urge.objects.filter(object_type="livelihood.livelihoodproject", unit=world.district_a).exists()
