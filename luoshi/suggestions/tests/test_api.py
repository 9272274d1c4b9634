"""The suggestions API: scope, a member's suggestion, each action with its version, templates, bad input 400."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from luoshi.suggestions import services
from luoshi.suggestions.choices import SuggestionState
from luoshi.suggestions.models import AnswerTemplate, Suggestion
from luoshi.suggestions.tests.factory import CONTENT, campaign_a, deadline, in_state, make_suggestion
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
LIST = "/api/v1/suggestions/"
TEMPLATES = "/api/v1/suggestion-templates/"


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_list_holds_only_suggestions_in_scope(world: World) -> None:
    s = in_state(world, SuggestionState.REFERRED)
    ids = lambda user: {row["id"] for row in api(user).get(LIST).json()["results"]}  # noqa: E731
    assert s.pk in ids(world.office_a)
    assert s.pk in ids(world.liaison_a)
    assert s.pk not in ids(world.office_b)
    assert api(world.office_b).get(f"{LIST}{s.pk}/").status_code == 404
    assert api(world.secadmin).get(LIST).status_code == 403
    shown = api(world.office_a).get(f"{LIST}{s.pk}/").json()
    assert shown["phone"] == "139****1234"
    assert "answer" not in shown["allowed_actions"]
    assert "answer" in api(world.liaison_a).get(f"{LIST}{s.pk}/").json()["allowed_actions"]


def test_a_member_suggests_and_the_office_handles_it_through_the_api(world: World) -> None:
    campaign = campaign_a(world)
    data = {"campaign": campaign.pk, "category": "livelihood", "title": "增设公交站点", "content": CONTENT}
    made = api(world.liaison_a).post(LIST, data, format="json")
    assert made.status_code == 201, made.content
    pk, office = made.json()["id"], api(world.office_a)
    moved = office.post(f"{LIST}{pk}/actions/triage/", {"category": "livelihood", "version": 1}, format="json")
    assert moved.json()["state"] == SuggestionState.TRIAGED
    stale = office.post(
        f"{LIST}{pk}/actions/refer/", {"unit": world.street_a.pk, "deadline": "2099-01-01", "version": 1}
    )
    assert stale.status_code == 409
    office.post(
        f"{LIST}{pk}/actions/refer/", {"unit": world.street_a.pk, "deadline": deadline().isoformat()}, format="json"
    )
    office.post(f"{LIST}{pk}/actions/note/", {"text": "内部意见"}, format="json")
    answered = api(world.liaison_a).post(
        f"{LIST}{pk}/actions/answer/", {"text": "已办理", "public": True}, format="json"
    )
    assert answered.json()["state"] == SuggestionState.ANSWERED
    own = api(world.liaison_a).get(f"{LIST}{pk}/").json()
    assert any(e["private"] for e in own["events"])
    decided = office.post(f"{LIST}{pk}/actions/decide/", {"adoption": "full", "reason": "采纳"}, format="json")
    assert decided.json()["adoption"] == "full"
    assert office.post(f"{LIST}{pk}/actions/decide/", {"adoption": "full", "reason": "再次"}).status_code == 400
    assert office.post(f"{LIST}{pk}/actions/unknown/", {}).status_code == 404


def test_the_suggester_reads_no_private_note(world: World) -> None:
    s = make_suggestion(world, by=world.supervisor_a)
    services.add_note(world.office_a, s, text="不给建议人看")
    events = api(world.supervisor_a).get(f"{LIST}{s.pk}/").json()["events"]
    assert events
    assert not any("不给建议人看" in e["note"] for e in events)


def test_group_dismiss_and_convert_through_the_api(world: World) -> None:
    s, other = make_suggestion(world), make_suggestion(world, title="另外一条建议")
    group = services.create_group(world.office_a, campaign=campaign_a(world), title="归类")
    office = api(world.office_a)
    assert office.post(f"{LIST}{s.pk}/actions/group/", {"group": group.pk}, format="json").json()["group"] == group.pk
    assert office.post(f"{LIST}{s.pk}/actions/group/", {"group": None}, format="json").json()["group"] is None
    assert office.post(f"{LIST}{other.pk}/actions/dismiss/", {"reason": "重复"}, format="json").status_code == 200
    office.post(f"{LIST}{s.pk}/actions/triage/", {"category": "other"}, format="json")
    task = office.post(f"{LIST}{s.pk}/actions/convert_task/", {"title": "任务", "due_on": deadline(30).isoformat()})
    assert task.status_code == 200, task.content
    proposal = office.post(f"{LIST}{s.pk}/actions/convert_proposal/", {"category": "care"}, format="json")
    assert len(proposal.json()["conversions"]) == 2
    campaign = campaign_a(world)
    problem = {
        "title": "问题",
        "channel": campaign.channels.get().pk,
        "aspect": campaign.aspects.get().pk,
        "deadline": deadline(20).isoformat(),
    }
    assert office.post(f"{LIST}{s.pk}/actions/convert_problem/", problem, format="json").status_code == 200


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("refer", {"unit": "1e30", "deadline": "2026-13-01"}),
        ("refer", {"unit": 99999999999999999999999, "deadline": "x"}),
        ("triage", {"category": "nonsense", "version": "abc"}),
        ("triage", {"category": "other", "version": 10**30}),
        ("answer", {"text": "\x00"}),
        ("decide", {"adoption": "full", "reason": ""}),
        ("group", {"group": "abc"}),
    ],
)
def test_bad_input_is_a_400(world: World, path: str, data: dict[str, Any]) -> None:
    s = make_suggestion(world)
    answer = api(world.office_a).post(f"{LIST}{s.pk}/actions/{path}/", data, format="json")
    assert answer.status_code == 400, answer.content
    assert Suggestion.objects.get(pk=s.pk).state == SuggestionState.SUBMITTED


def test_bad_ids_and_filters(world: World) -> None:
    office = api(world.office_a)
    assert office.get(f"{LIST}1e9/").status_code == 404
    assert office.get(LIST, {"campaign": "1e30"}).status_code == 400
    assert office.get(LIST, {"unit": "x"}).status_code == 400
    assert office.get(LIST, {"overdue": "true", "state": "referred"}).status_code == 200


def test_answer_templates_through_the_api(world: World) -> None:
    campaign = campaign_a(world)
    office = api(world.office_a)
    made = office.post(TEMPLATES, {"campaign": campaign.pk, "title": "模板", "text": "答复"}, format="json")
    assert made.status_code == 201
    pk = made.json()["id"]
    assert (
        office.put(f"{TEMPLATES}{pk}/", {"title": "新模板", "text": "新答复"}, format="json").json()["title"]
        == "新模板"
    )
    assert pk not in {t["id"] for t in api(world.office_b).get(TEMPLATES).json()["results"]}
    assert api(world.liaison_a).post(TEMPLATES, {"campaign": campaign.pk, "title": "x", "text": "y"}).status_code in (
        400,
        403,
    )
    assert office.delete(f"{TEMPLATES}{pk}/").status_code == 204
    assert not AnswerTemplate.objects.filter(pk=pk).exists()
