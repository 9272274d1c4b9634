"""Out of scope is 404 on every problem URL; in scope without the permission is 403 with a message. Nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from luoshi.problems import services
from luoshi.problems.choices import State
from luoshi.problems.models import Evidence, Problem
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import closed, new_problem, pending_review, png, rectifying
from luoshi.testing.twofactor import verified_login

POST_DATA = {
    "version": "1",
    "text": "越权写入",
    "summary": "越权写入",
    "reason": "越权写入",
    "note": "越权写入",
    "new_deadline": "2099-01-01",
    "owner_unit": "1",
    "deadline": "2099-01-01",
    "title": "越权写入",
}


@pytest.fixture
def district_a_problems(world):
    """One district-A problem in every state, with a measure, evidence and a pending extension request."""
    waiting = new_problem(world)
    working = rectifying(world)
    measure = services.add_measure(
        world.leader_a, working, text="建章立制", owner_unit=world.district_a, deadline=working.deadline
    )
    services.report_progress(world.liaison_a, working, text="阶段进展", files=[png()])
    ext = services.request_extension(
        world.liaison_a, working, new_deadline=working.deadline + dt.timedelta(days=20), reason="需上级协调"
    )
    reviewing = pending_review(world)
    done = closed(world)
    evidence = Evidence.objects.filter(progress__problem=working).get()
    return {
        "waiting": waiting,
        "working": working,
        "reviewing": reviewing,
        "done": done,
        "measure": measure,
        "ext": ext,
        "evidence": evidence,
    }


def problem_urls(p):
    w, m, e = p["working"], p["measure"], p["ext"]
    return [
        reverse("problems:detail", args=[w.pk]),
        reverse("problems:edit", args=[w.pk]),
        reverse("problems:claim", args=[p["waiting"].pk]),
        reverse("problems:add_measure", args=[w.pk]),
        reverse("problems:complete_measure", args=[w.pk, m.pk]),
        reverse("problems:report_progress", args=[w.pk]),
        reverse("problems:request_closure", args=[w.pk]),
        reverse("problems:approve_closure", args=[p["reviewing"].pk]),
        reverse("problems:send_back", args=[p["reviewing"].pk]),
        reverse("problems:reopen", args=[p["done"].pk]),
        reverse("problems:request_extension", args=[w.pk]),
        reverse("problems:approve_extension", args=[w.pk, e.pk]),
        reverse("problems:reject_extension", args=[w.pk, e.pk]),
        reverse("problems:evidence", args=[p["evidence"].pk]),
    ]


@pytest.mark.parametrize("user_name", ["liaison_b", "leader_b", "office_b"])
def test_other_district_gets_404_on_every_url_and_nothing_changes(client, world, district_a_problems, user_name):
    verified_login(client, getattr(world, user_name))
    before = footprint(district_a_problems["working"])
    for url in problem_urls(district_a_problems):
        assert client.get(url).status_code == 404, url
        assert client.post(url, POST_DATA).status_code == 404, url
    assert footprint(district_a_problems["working"]) == before


def test_sub_object_of_another_problem_is_404_even_through_an_own_problem(client, world, district_a_problems):
    own = services.claim(world.leader_b, new_problem(world, unit=world.district_b, actor=world.liaison_b))
    foreign_measure = district_a_problems["measure"]
    foreign_ext = district_a_problems["ext"]
    verified_login(client, world.office_b)
    before = footprint(district_a_problems["working"])
    urls = [
        reverse("problems:complete_measure", args=[own.pk, foreign_measure.pk]),
        reverse("problems:approve_extension", args=[own.pk, foreign_ext.pk]),
        reverse("problems:reject_extension", args=[own.pk, foreign_ext.pk]),
    ]
    for url in urls:
        assert client.post(url, POST_DATA).status_code == 404, url
    assert footprint(district_a_problems["working"]) == before


def test_missing_problem_is_404(client, world):
    verified_login(client, world.office_city)
    assert client.get(reverse("problems:detail", args=[999999])).status_code == 404
    assert client.get(reverse("problems:evidence", args=[999999])).status_code == 404


def test_liaison_cannot_approve_closure(client, world):
    problem = pending_review(world)
    verified_login(client, world.liaison_a)
    before = footprint(problem)
    url = reverse("problems:approve_closure", args=[problem.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"version": problem.version, "note": "同意"})
    assert response.status_code == 403
    assert "您无权执行「审核销号」" in response.content.decode()
    assert footprint(problem) == before
    assert Problem.objects.get(pk=problem.pk).state == State.PENDING_REVIEW


def test_liaison_cannot_claim(client, world):
    problem = new_problem(world)
    verified_login(client, world.liaison_a)
    before = footprint(problem)
    response = client.post(reverse("problems:claim", args=[problem.pk]), {"version": problem.version})
    assert response.status_code == 403
    assert "您无权执行「认领」" in response.content.decode()
    assert footprint(problem) == before


def test_supervisor_sees_but_cannot_report_progress(client, world):
    problem = rectifying(world)
    verified_login(client, world.supervisor_a)
    before = footprint(problem)
    assert client.get(reverse("problems:detail", args=[problem.pk])).status_code == 200
    response = client.post(reverse("problems:report_progress", args=[problem.pk]), {"text": "督导发现"})
    assert response.status_code == 403
    assert "您无权报送该问题的进展" in response.content.decode()
    assert footprint(problem) == before


def test_requester_cannot_review_own_closure_and_sees_no_button(client, world):
    problem = pending_review(world)
    verified_login(client, world.leader_a)
    before = footprint(problem)
    detail = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
    assert reverse("problems:approve_closure", args=[problem.pk]) not in detail
    response = client.post(reverse("problems:approve_closure", args=[problem.pk]), {"version": problem.version})
    assert response.status_code == 403
    assert footprint(problem) == before


def test_detail_buttons_are_exactly_the_allowed_actions(client, world):
    problem = new_problem(world)
    verified_login(client, world.leader_a)
    html = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
    assert reverse("problems:claim", args=[problem.pk]) in html
    assert reverse("problems:report_progress", args=[problem.pk]) not in html
    assert reverse("problems:approve_closure", args=[problem.pk]) not in html
    verified_login(client, world.liaison_a)
    html = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
    assert reverse("problems:claim", args=[problem.pk]) not in html
    assert reverse("problems:edit", args=[problem.pk]) in html
    verified_login(client, world.supervisor_a)
    html = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
    for name in ("claim", "edit", "request_extension"):
        assert reverse(f"problems:{name}", args=[problem.pk]) not in html


def test_review_buttons_for_office_on_pending_review(client, world):
    problem = pending_review(world)
    verified_login(client, world.office_a)
    html = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
    assert reverse("problems:approve_closure", args=[problem.pk]) in html
    assert reverse("problems:send_back", args=[problem.pk]) in html
    assert reverse("problems:edit", args=[problem.pk]) in html
    assert reverse("problems:reopen", args=[problem.pk]) not in html


def test_unit_choices_only_offer_units_in_scope(client, world):
    verified_login(client, world.liaison_a)
    response = client.get(reverse("problems:unit_choices"), {"perm": "file_problem", "unit_q": "区"})
    html = response.content.decode()
    assert "东城区" in html
    assert "西城区" not in html
    assert client.get(reverse("problems:unit_choices"), {"perm": "review"}).status_code == 404
