"""The public pages: only public campaigns, no personal data, the proposal form with its rate limit and checks."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from luoshi.livelihood import services
from luoshi.livelihood.choices import ProposalSource
from luoshi.livelihood.models import ProjectProposal
from luoshi.livelihood.tests import helpers
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
PROPOSE = reverse("public_livelihood:propose")


def good_form(world: World, **extra: str) -> dict[str, object]:
    return {
        "campaign": world.campaign.pk,
        "title": "增设公交候车亭",
        "category": "transport",
        "description": "东城街道主干道公交站没有候车亭，雨天老人等车很不方便。",
        "citizen_name": "李建国",
        "citizen_phone": "139 0000 1234",
        **extra,
    }


def test_the_public_page_shows_projects_of_public_campaigns_only(client: Client, world: World) -> None:
    project = helpers.new_project(world)
    services.report_project_progress(world.liaison_a, project, text="已完成一半", percent=50)
    services.add_milestone(world.office_a, project, name="开工", planned_on=project.deadline)
    url = reverse("public_livelihood:campaign", args=[world.campaign.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("public_livelihood:index")).status_code == 200

    helpers.make_public(world)
    evaluated = helpers.evaluated(world, title="已测评的项目")
    page = client.get(url).content.decode()
    assert project.title in page
    assert "width: 50.0%" in page
    assert "节点 0 / 1" in page
    assert "满意率 <strong>95.0%</strong>" in page  # (80 + 15) / 100
    assert evaluated.title in page
    assert client.get(reverse("public_livelihood:index"))["Location"] == url

    services.set_options(world.office_city, world.campaign, public=False, collecting=True, version=1)
    assert client.get(url).status_code == 404


def test_ids_that_cannot_exist_are_404(client: Client, world: World) -> None:
    helpers.make_public(world)
    assert client.get("/public/livelihood/99999999999999999999999/").status_code == 404
    assert client.get("/public/livelihood/abc/").status_code == 404


def test_a_citizen_files_a_proposal_and_the_phone_is_kept_encrypted(client: Client, world: World) -> None:
    helpers.make_public(world)
    answer = client.post(PROPOSE, good_form(world))
    assert answer.status_code == 302
    proposal = ProjectProposal.objects.get()
    assert proposal.source == ProposalSource.PUBLIC
    assert proposal.citizen_phone_masked == "139****1234"
    assert "13900001234" not in proposal.citizen_phone_enc
    done = client.get(answer["Location"]).content.decode()
    assert proposal.number in done
    assert "13900001234" not in done
    assert client.get(answer["Location"]).status_code == 302  # the number is shown once


def test_name_and_phone_are_optional(client: Client, world: World) -> None:
    helpers.make_public(world)
    assert client.post(PROPOSE, good_form(world, citizen_name="", citizen_phone="")).status_code == 302
    assert ProjectProposal.objects.get().citizen_phone_enc == ""


@pytest.mark.parametrize(
    "bad",
    [
        {"citizen_phone": "12345"},
        {"title": "<script>alert(1)</script>"},
        {"description": "太短"},
        {"campaign": "999999999999999999999999"},
        {"campaign": "abc"},
        {"category": "rocket"},
        {"description": "正常内容\x00但有控制字符的描述文字"},
    ],
)
def test_bad_input_is_a_400_that_stores_nothing(client: Client, world: World, bad: dict[str, str]) -> None:
    helpers.make_public(world)
    answer = client.post(PROPOSE, good_form(world, **bad))
    assert answer.status_code == 400
    assert ProjectProposal.objects.count() == 0


def test_a_campaign_that_does_not_collect_is_refused(client: Client, world: World) -> None:
    helpers.make_public(world, collecting=False)
    assert client.post(PROPOSE, good_form(world)).status_code == 400
    assert "目前没有正在征集建议" in client.get(PROPOSE).content.decode()
    assert ProjectProposal.objects.count() == 0


@override_settings(LUOSHI_PUBLIC_RATE_LIMITS={"livelihood": (2, 3600)})
def test_proposals_are_rate_limited_per_address(client: Client, world: World) -> None:
    helpers.make_public(world)
    codes = [client.post(PROPOSE, good_form(world, title=f"建议第{i}号项目")).status_code for i in range(3)]
    assert codes == [302, 302, 429]
    assert ProjectProposal.objects.count() == 2


@override_settings(LUOSHI_PUBLIC_MAX_BODY_BYTES=200)
def test_a_body_too_large_is_refused_before_validation(client: Client, world: World) -> None:
    helpers.make_public(world)
    assert client.post(PROPOSE, good_form(world, description="很长" * 500)).status_code == 413
    assert ProjectProposal.objects.count() == 0


def test_the_form_needs_the_csrf_token(world: World) -> None:
    helpers.make_public(world)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(PROPOSE, good_form(world)).status_code == 403
    assert ProjectProposal.objects.count() == 0


def test_public_pages_need_no_login_and_are_phone_sized(client: Client, world: World) -> None:
    helpers.make_public(world)
    page = client.get(PROPOSE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'inputmode="tel"' in html
    assert "Content-Security-Policy" in page.headers


def test_counts_stay_right_with_several_tasks_and_milestones(client: Client, world: World) -> None:
    helpers.make_public(world)
    project = helpers.new_project(world)
    for name in ("立项", "开工"):
        services.add_milestone(world.office_a, project, name=name, planned_on=project.deadline)
    first = project.milestones.first()
    assert first is not None
    services.reach_milestone(world.office_a, first)
    done = helpers.finished(world, project, name="子项一")
    helpers.new_task(world, project, name="子项二")
    assert done.state == "done"
    page = client.get(reverse("public_livelihood:campaign", args=[world.campaign.pk])).content.decode()
    assert "节点 1 / 2" in page
    assert "子项 1 / 2" in page
    assert '<strong id="overall">50.0%</strong>' in page
