"""Pages of suggestions: lists and filters, the suggestion's page (private notes only for insiders), the action
pages, groups, templates, the bulk answer, a member's new suggestion, the export and the origin tag."""

from __future__ import annotations

import io

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.suggestions import services
from luoshi.suggestions.choices import SuggestionState
from luoshi.suggestions.models import AnswerTemplate, Suggestion, SuggestionGroup
from luoshi.suggestions.tests.factory import CONTENT, campaign_a, deadline, in_state, make_suggestion
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: object) -> Client:
    verified_login(client, user)
    return client


def test_the_office_list_filters_and_masks_phones(client: Client, world: World) -> None:
    referred = in_state(world, SuggestionState.REFERRED, title="社区便民服务点建议")
    waiting = make_suggestion(world, title="河道治理建议")
    signed_in(client, world.office_a)
    page = client.get(reverse("suggestions:index"))
    text = page.content.decode()
    assert page.status_code == 200
    assert referred.title in text
    assert "139****1234" in text
    assert "13900001234" not in text
    only = client.get(reverse("suggestions:index"), {"state": "submitted", "q": "河道"}).content.decode()
    assert waiting.title in only
    assert referred.title not in only
    bad = client.get(reverse("suggestions:index"), {"unit": "9" * 30, "campaign": "abc"})
    assert bad.status_code == 200


def test_the_referred_unit_sees_its_list_to_answer_and_the_office_its_overdue_ones(
    client: Client, world: World
) -> None:
    referred = in_state(world, SuggestionState.REFERRED, title="待答复的建议标题")
    Suggestion.objects.filter(pk=referred.pk).update(deadline=services.today().replace(day=1))
    signed_in(client, world.liaison_a)
    assert referred.title in client.get(reverse("suggestions:to_answer")).content.decode()
    signed_in(client, world.office_a)
    assert referred.title in client.get(reverse("suggestions:overdue")).content.decode()
    signed_in(client, world.liaison_b)
    assert referred.title not in client.get(reverse("suggestions:to_answer")).content.decode()


def test_the_suggester_sees_the_answer_but_never_private_notes(client: Client, world: World) -> None:
    s = make_suggestion(world, by=world.supervisor_a)
    services.add_note(world.office_a, s, text="内部讨论不外传")
    s = services.triage_suggestion(world.office_a, s, category="livelihood")
    s = services.refer_suggestion(world.office_a, s, unit=world.street_a, deadline=deadline())
    services.answer_suggestion(world.liaison_a, s, text="已经办理完毕")
    url = reverse("suggestions:detail", args=[s.pk])
    own = signed_in(client, world.supervisor_a).get(url).content.decode()
    assert "已经办理完毕" in own
    assert "内部讨论不外传" not in own
    office = signed_in(Client(), world.office_a).get(url).content.decode()
    assert "内部讨论不外传" in office
    assert "内部" in office
    assert Client().get(url).status_code == 302


def test_pages_of_other_districts_are_404(client: Client, world: World) -> None:
    s = in_state(world, SuggestionState.REFERRED)
    signed_in(client, world.office_b)
    for name in ("detail", "answer", "note", "triage", "convert_task"):
        assert client.get(reverse(f"suggestions:{name}", args=[s.pk])).status_code == 404
    group = services.create_group(world.office_a, campaign=campaign_a(world), title="归类")
    assert client.get(reverse("suggestions:group", args=[group.pk])).status_code == 404
    assert client.get(reverse("suggestions:groups"), {"campaign": campaign_a(world).pk}).status_code == 404
    assert client.get(reverse("suggestions:groups"), {"campaign": "x1"}).status_code == 400


def test_the_actions_move_a_suggestion_through_its_life(client: Client, world: World) -> None:
    s = make_suggestion(world)
    office, liaison = signed_in(client, world.office_a), signed_in(Client(), world.liaison_a)
    url = lambda name: reverse(f"suggestions:{name}", args=[s.pk])  # noqa: E731
    form = office.get(url("triage"))
    assert form.status_code == 200
    office.post(url("triage"), {"category": "governance", "topic": "治理", "version": 1})
    office.post(url("refer"), {"unit": world.street_a.pk, "deadline": deadline().isoformat(), "version": 2})
    template = services.create_template(world.office_a, campaign=s.campaign, title="统一答复", text="模板答复内容")
    assert "模板答复内容" in liaison.get(url("answer"), {"template": template.pk}).content.decode()
    liaison.post(url("answer"), {"text": "答复内容", "public": "on", "version": 3})
    liaison.post(url("note"), {"text": "街道备注"})
    refused = office.post(url("decide"), {"adoption": "full", "reason": "", "version": 4})
    assert refused.status_code == 200
    office.post(url("decide"), {"adoption": "partial", "reason": "部分可行", "version": 4})
    done = Suggestion.objects.get(pk=s.pk)
    assert (done.state, done.adoption, done.answer_public) == (SuggestionState.CLOSED, "partial", True)
    assert done.events.filter(private=True).count() == 1
    assert liaison.get(url("triage")).status_code == 403


def test_dismiss_group_and_convert_pages(client: Client, world: World) -> None:
    first, second = make_suggestion(world), make_suggestion(world, title="另一条建议标题")
    signed_in(client, world.office_a)
    client.post(reverse("suggestions:group_set", args=[first.pk]), {"new_title": "新的归类", "version": 1})
    group = SuggestionGroup.objects.get(title="新的归类")
    client.post(reverse("suggestions:group_set", args=[second.pk]), {"group": group.pk, "version": 1})
    assert group.suggestions.count() == 2
    assert "另一条建议标题" in client.get(reverse("suggestions:group", args=[group.pk])).content.decode()
    client.post(reverse("suggestions:group_edit", args=[group.pk]), {"title": "改名后的归类"})
    assert SuggestionGroup.objects.get(pk=group.pk).title == "改名后的归类"
    client.post(reverse("suggestions:dismiss", args=[second.pk]), {"reason": "重复", "version": 2})
    assert Suggestion.objects.get(pk=second.pk).state == SuggestionState.DISMISSED
    s = services.triage_suggestion(world.office_a, Suggestion.objects.get(pk=first.pk), category="livelihood")
    client.post(
        reverse("suggestions:convert_proposal", args=[s.pk]),
        {"title": "民生项目", "category": "care", "description": CONTENT, "version": s.version},
    )
    client.post(
        reverse("suggestions:convert_task", args=[s.pk]),
        {"title": "重点任务", "due_on": deadline(30).isoformat(), "version": s.version},
    )
    client.get(reverse("suggestions:convert_problem", args=[s.pk]))
    assert s.conversions.count() == 2
    assert "民生项目" in client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    groups = client.get(reverse("suggestions:groups"), {"campaign": s.campaign_id})
    assert "改名后的归类" in groups.content.decode()
    assert (
        client.post(reverse("suggestions:group_new") + f"?campaign={s.campaign_id}", {"title": "另起一组"}).status_code
        == 302
    )


def test_templates_pages(client: Client, world: World) -> None:
    campaign = campaign_a(world)
    signed_in(client, world.office_a)
    query = f"?campaign={campaign.pk}"
    client.post(reverse("suggestions:template_new") + query, {"title": "已收悉", "text": "您的建议已收悉。"})
    made = AnswerTemplate.objects.get(title="已收悉")
    assert "您的建议已收悉" in client.get(reverse("suggestions:templates") + query).content.decode()
    client.post(reverse("suggestions:template_edit", args=[made.pk]), {"title": "已收悉", "text": "改过的"})
    assert AnswerTemplate.objects.get(pk=made.pk).text == "改过的"
    assert client.get(reverse("suggestions:template_delete", args=[made.pk])).status_code == 405
    client.post(reverse("suggestions:template_delete", args=[made.pk]))
    assert not AnswerTemplate.objects.filter(pk=made.pk).exists()
    signed_in(client, world.liaison_a)
    assert client.get(reverse("suggestions:templates") + query).status_code == 404


def test_bulk_answer_page_answers_a_group(client: Client, world: World) -> None:
    rows = [in_state(world, SuggestionState.REFERRED, title=f"同类建议{i}") for i in range(2)]
    waiting = make_suggestion(world)
    group = services.create_group(world.office_a, campaign=campaign_a(world), title="同类组")
    for s in [*rows, waiting]:
        services.add_to_group(world.office_a, Suggestion.objects.get(pk=s.pk), group)
    signed_in(client, world.office_a)
    page = client.get(reverse("suggestions:bulk_answer"), {"group": group.pk})
    assert "同类建议1" in page.content.decode()
    done = client.post(reverse("suggestions:bulk_answer"), {"group": group.pk, "text": "统一答复"}, follow=True)
    assert "已答复 2 条" in done.content.decode()
    assert Suggestion.objects.filter(group=group, state=SuggestionState.ANSWERED).count() == 2
    chosen = client.post(reverse("suggestions:bulk_answer"), {"ids": [waiting.pk], "text": "答复"}, follow=True)
    assert "跳过 1 条" in chosen.content.decode()
    assert client.get(reverse("suggestions:bulk_answer"), {"ids": "1e9"}).status_code == 400
    assert client.get(reverse("suggestions:bulk_answer"), {"group": "abc"}).status_code == 400


def test_a_member_files_a_suggestion_in_the_platform(client: Client, world: World) -> None:
    campaign = campaign_a(world)
    signed_in(client, world.liaison_a)
    assert client.get(reverse("suggestions:new")).status_code == 200
    data = {"campaign": campaign.pk, "category": "style", "title": "精简会议文件", "content": CONTENT}
    made = client.post(reverse("suggestions:new"), data)
    s = Suggestion.objects.get(title="精简会议文件")
    assert made.status_code == 302
    assert s.submitted_by == world.liaison_a
    assert s.title in client.get(reverse("suggestions:mine")).content.decode()
    assert client.post(reverse("suggestions:new"), {**data, "title": "短"}).status_code == 200
    signed_in(client, world.secadmin)
    assert client.get(reverse("suggestions:new")).status_code == 403


def test_the_export_masks_phones(client: Client, world: World) -> None:
    make_suggestion(world, title="导出的建议")
    signed_in(client, world.office_a)
    answer = client.get(reverse("suggestions:export"))
    book = load_workbook(io.BytesIO(b"".join(answer.streaming_content)), read_only=True)  # type: ignore[attr-defined]
    cells = [str(v) for row in book.worksheets[0].iter_rows(values_only=True) for v in row if v]
    assert "导出的建议" in cells
    assert "139****1234" in cells
    assert not any("13900001234" in c for c in cells)
    assert client.get(reverse("suggestions:export"), {"unit": "x"}).status_code == 400


def test_the_origin_tag_links_a_converted_task_back(world: World) -> None:
    s = in_state(world, SuggestionState.TRIAGED)
    link = services.convert_to_task(world.office_a, s, title="转化的任务", due_on=deadline(30))
    request = RequestFactory().get("/")
    request.user = world.office_a
    html = Template("{% load suggestions_ui %}{% suggestion_origin task %}").render(
        Context({"task": link.task, "request": request})
    )
    assert reverse("suggestions:detail", args=[s.pk]) in html
    request.user = world.office_b
    hidden = Template("{% load suggestions_ui %}{% suggestion_origin task %}").render(
        Context({"task": link.task, "request": request})
    )
    assert reverse("suggestions:detail", args=[s.pk]) not in hidden
