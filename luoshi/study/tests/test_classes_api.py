"""The study API of classes: classes, sessions, a session's attendance and coverage; scope and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.members.tests.factory import make_member
from luoshi.study.models import Attendance, StudyClass, StudySession
from luoshi.study.tests.classes_factory import enrol, make_class, make_sessions
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
CLASSES, SESSIONS, COVERAGE = "/api/v1/study-classes/", "/api/v1/study-sessions/", "/api/v1/study-coverage/"


def api(user: Any) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def ids(answer: Any) -> set[int]:
    body = answer.json()
    return {row["id"] for row in (body["results"] if isinstance(body, dict) else body)}


def test_classes_are_created_and_listed_within_scope(world: World) -> None:
    body = {"campaign": world.campaign.pk, "unit": world.street_a.pk, "topic": "街道读书班"}
    made = api(world.liaison_a).post(CLASSES, body, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["min_half_days"] == 10
    assert made.json()["below_minimum"] is True
    assert ids(api(world.liaison_a).get(CLASSES, {"campaign": world.campaign.pk})) == {made.json()["id"]}
    assert ids(api(world.liaison_b).get(CLASSES)) == set()
    assert api(world.liaison_b).get(f"{CLASSES}{made.json()['id']}/").status_code == 404
    refused = api(world.liaison_b).post(CLASSES, body, format="json")  # district A's unit does not exist for B
    assert refused.status_code == 400
    assert "unit" in refused.json()
    own_unit = api(world.leader_a).post(CLASSES, body, format="json")  # seen, but a leader organises nothing
    assert own_unit.status_code == 403
    assert StudyClass.objects.count() == 1


def test_sessions_are_created_and_filtered_by_class_and_date(world: World) -> None:
    made = make_class(world)
    make_sessions(made, 3)
    body = {"study_class": made.pk, "date": "2026-06-01", "half": "pm", "starts_at": "14:30", "place": "党校"}
    answer = api(world.liaison_a).post(SESSIONS, body, format="json")
    assert answer.status_code == 201, answer.json()
    assert len(ids(api(world.liaison_a).get(SESSIONS, {"study_class": made.pk}))) == 4
    assert ids(api(world.liaison_a).get(SESSIONS, {"date": "2026-06-01"})) == {answer.json()["id"]}
    assert api(world.liaison_a).post(SESSIONS, body, format="json").status_code == 400  # same half-day
    assert api(world.liaison_b).post(SESSIONS, {**body, "half": "ev"}, format="json").status_code == 400
    assert ids(api(world.liaison_b).get(SESSIONS)) == set()
    assert StudySession.objects.count() == 4


def test_bad_numbers_are_400_or_404_never_500(world: World) -> None:
    client = api(world.liaison_a)
    assert client.get(SESSIONS, {"study_class": "abc"}).status_code == 400
    assert client.get(SESSIONS, {"study_class": "9" * 30}).status_code == 400
    assert client.get(SESSIONS, {"date": "2026-13-45"}).status_code == 400
    assert client.get(f"{SESSIONS}0.5/").status_code == 404
    assert client.get(CLASSES, {"campaign": "1e30"}).status_code == 400
    assert client.get(COVERAGE, {"campaign": "abc"}).status_code == 400
    assert client.get(COVERAGE).status_code == 400
    assert client.get(COVERAGE, {"campaign": str(world.campaign.pk), "unit": "-1"}).status_code == 400
    assert client.post(CLASSES, {"campaign": "x", "unit": world.street_a.pk, "topic": "甲"}).status_code == 400


def test_attendance_is_listed_and_marked_from_the_roster(world: World) -> None:
    made = make_class(world)
    (session,) = make_sessions(made, 1)
    a, b = make_member(world.street_a), make_member(world.street_a)
    enrol(made, a, b)
    url = f"{SESSIONS}{session.pk}/attendance/"
    marks = {"marks": [{"member": a.pk, "status": "late"}]}
    answer = api(world.liaison_a).post(url, marks, format="json")
    assert answer.status_code == 200
    assert answer.json() == {"changed": 1}
    assert api(world.liaison_a).post(url, {"all_present": True}, format="json").json() == {"changed": 1}
    listed = api(world.liaison_a).get(url).json()
    assert {(row["member"], row["status"]) for row in listed} == {(a.pk, "late"), (b.pk, "present")}
    bad = [{"member": "x", "status": "present"}]
    assert api(world.liaison_a).post(url, {"marks": bad}, format="json").status_code == 400
    assert (
        api(world.liaison_a).post(url, {"marks": [{"member": a.pk, "status": "gone"}]}, format="json").status_code
        == 400
    )
    stranger = make_member(world.street_a)
    strange = api(world.liaison_a).post(url, {"marks": [{"member": stranger.pk, "status": "present"}]}, format="json")
    assert strange.status_code == 400
    assert api(world.leader_a).post(url, marks, format="json").status_code == 403
    assert api(world.liaison_b).get(url).status_code == 404
    assert api(world.liaison_b).post(url, marks, format="json").status_code == 404
    assert Attendance.objects.filter(session=session).count() == 2


def test_coverage_counts_distinct_people_within_scope(world: World) -> None:
    made = make_class(world)
    one, two = make_sessions(made, 2)
    p = make_member(world.street_a)
    enrol(made, p)
    api(world.liaison_a).post(f"{SESSIONS}{one.pk}/attendance/", {"all_present": True}, format="json")
    api(world.liaison_a).post(f"{SESSIONS}{two.pk}/attendance/", {"all_present": True}, format="json")
    body = api(world.office_city).get(COVERAGE, {"campaign": world.campaign.pk}).json()
    assert (body["unit"], body["people"], body["attendances"], body["half_days"]) == (world.city.pk, 1, 2, 2)
    assert [c["unit"] for c in body["children"]] == [world.district_a.pk, world.district_b.pk]
    b_answer = api(world.office_b).get(COVERAGE, {"campaign": world.campaign.pk, "unit": world.district_a.pk})
    assert b_answer.status_code == 404
    own = api(world.office_b).get(COVERAGE, {"campaign": world.campaign.pk}).json()
    assert (own["unit"], own["people"]) == (world.district_b.pk, 0)
