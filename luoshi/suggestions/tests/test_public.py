"""The public suggestion pages: filing (bad input stores nothing), look-up by number and code, public answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from luoshi.audit.models import AuditEvent
from luoshi.campaigns.models import Campaign
from luoshi.suggestions import intake, services
from luoshi.suggestions.choices import Adoption, SuggestionCategory
from luoshi.suggestions.models import Suggestion, SuggestionEvent
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
FILE = reverse("suggestions_public:file")
TRACK = reverse("suggestions_public:track")
ANSWERS = reverse("suggestions_public:answers")
PRIVATE_NOTE = "内部备注：此人多次来访"


def good_form(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "campaign": world.campaign.pk,
        "category": SuggestionCategory.GOVERNANCE,
        "title": "建议公开小区维修资金使用情况",
        "content": "小区维修资金使用情况不透明，建议每季度在公告栏公开明细，接受居民监督。",
        "topic": "物业管理",
        "name": "赵丽华",
        "phone": "139 0000 5678",
        **extra,
    }


def nothing_stored(audits: int) -> bool:
    return (
        not Suggestion.objects.exists()
        and not SuggestionEvent.objects.exists()
        and AuditEvent.objects.count() == audits
    )


def file(client: Client, world: World, **extra: Any) -> tuple[Suggestion, str]:
    answer = client.post(FILE, good_form(world, **extra))
    assert answer.status_code == 302, answer.content.decode()
    page = client.get(answer["Location"]).content.decode()
    suggestion = Suggestion.objects.latest("id")
    assert suggestion.number in page
    assert suggestion.tracking_code in page
    return suggestion, suggestion.tracking_code


def look_up(client: Client, number: str, code: str) -> str:
    answer = client.post(TRACK, {"number": number, "code": code})
    assert answer.status_code == 302
    assert answer["Location"] == TRACK
    return client.get(TRACK).content.decode()


def answered(world: World, suggestion: Suggestion, *, public: bool, text: str = "已纳入明年计划，逐季公开。") -> Any:
    office, due = world.office_city, timezone.localdate() + dt.timedelta(days=10)
    suggestion = services.triage_suggestion(office, suggestion, category=SuggestionCategory.GOVERNANCE)
    suggestion = services.refer_suggestion(office, suggestion, unit=world.district_a, deadline=due)
    services.add_note(office, suggestion, text=PRIVATE_NOTE)
    return services.answer_suggestion(world.liaison_a, suggestion, text=text, public=public)


def test_a_citizen_files_and_sees_number_and_code_once(client: Client, world: World) -> None:
    suggestion, code = file(client, world)
    assert suggestion.phone_masked == "139****5678"
    assert suggestion.name_masked == "赵**"
    assert client.get(reverse("suggestions_public:filed")).status_code == 302  # shown once
    page = look_up(client, suggestion.number, code.lower())
    assert suggestion.title in page
    assert "待研判" in page
    assert code not in page
    assert "13900005678" not in page
    assert "赵丽华" not in page


def test_anonymity_on_the_page_stores_no_name_or_phone(client: Client, world: World) -> None:
    suggestion, _code = file(client, world, anonymous="on")
    stored = Suggestion.objects.get(pk=suggestion.pk)
    assert stored.anonymous
    assert not any((stored.name_enc, stored.name_masked, stored.phone_enc, stored.phone_index, stored.phone_masked))


@pytest.mark.parametrize(
    "bad",
    [
        {"title": "<script>alert(1)</script>"},
        {"content": "请看<a href='x'>这里</a>的情况说明文字"},
        {"topic": "javascript:alert(1)"},
        {"name": "<b>赵</b>"},
        {"title": "长" * 101},
        {"content": "长" * 3001},
        {"content": "太短"},
        {"phone": "12345"},
        {"phone": "1390000567a"},
        {"title": ""},
        {"content": ""},
        {"campaign": ""},
        {"category": ""},
        {"category": "rocket"},
        {"campaign": "abc"},
        {"campaign": "999999999999999999999999"},
        {"campaign": "-1"},
        {"content": "正常内容\x00但有控制字符的建议文字"},
    ],
)
def test_bad_input_is_the_form_again_and_stores_nothing(client: Client, world: World, bad: dict[str, str]) -> None:
    audits = AuditEvent.objects.count()
    answer = client.post(FILE, good_form(world, **bad))
    assert answer.status_code == 400
    assert "请按提示修改后再提交" in answer.content.decode()
    assert nothing_stored(audits)


def test_an_inactive_campaign_is_refused(client: Client, world: World) -> None:
    closed = Campaign.objects.create(
        name="已结束的活动",
        unit=world.city,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 6, 30),
        is_active=False,
    )
    audits = AuditEvent.objects.count()
    answer = client.post(FILE, good_form(world, campaign=closed.pk))
    assert answer.status_code == 400
    assert "请选择正在征集建议的活动" in answer.content.decode()
    assert "已结束的活动" not in client.get(FILE).content.decode()
    assert nothing_stored(audits)


def test_no_active_campaign_says_so(client: Client, world: World) -> None:
    Campaign.objects.update(is_active=False)
    assert "目前没有正在征集意见建议的活动" in client.get(FILE).content.decode()


def test_the_form_needs_the_csrf_token(world: World) -> None:
    audits = AuditEvent.objects.count()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(FILE, good_form(world)).status_code == 403
    assert nothing_stored(audits)


@override_settings(LUOSHI_PUBLIC_RATE_LIMITS={"suggest": (2, 3600)})
def test_filing_is_rate_limited_per_address(client: Client, world: World) -> None:
    codes = [client.post(FILE, good_form(world, title=f"第{i}条关于公开的建议")).status_code for i in range(3)]
    assert codes == [302, 302, 429]
    assert Suggestion.objects.count() == 2


@override_settings(LUOSHI_PUBLIC_RATE_LIMITS={"suggest_lookup": (1, 3600)})
def test_look_ups_are_rate_limited_per_address(client: Client, world: World) -> None:
    codes = [client.post(TRACK, {"number": "JY1", "code": "X"}).status_code for _i in range(2)]
    assert codes == [404, 429]


@override_settings(LUOSHI_PUBLIC_MAX_BODY_BYTES=300)
def test_a_body_too_large_is_refused_before_validation(client: Client, world: World) -> None:
    audits = AuditEvent.objects.count()
    assert client.post(FILE, good_form(world, content="很长" * 500)).status_code == 413
    assert nothing_stored(audits)


def test_a_wrong_code_finds_nothing(client: Client, world: World) -> None:
    suggestion, _code = intake.submit_public_suggestion(
        campaign=world.campaign, title="建议增加路灯照明", content="背街小巷晚上太黑，建议增加路灯。", category="other",
        topic="", name="", phone="", anonymous=True,
    )  # fmt: skip
    for number, code in ((suggestion.number, "WRONGCODE1"), ("JY000", suggestion.tracking_code), ("", "")):
        answer = client.post(TRACK, {"number": number, "code": code})
        assert answer.status_code == 404
    assert "没有找到该建议" in answer.content.decode()
    assert suggestion.title not in client.get(TRACK).content.decode()


def test_the_suggester_sees_the_answer_and_the_adoption_never_private_notes(client: Client, world: World) -> None:
    suggestion, code = file(client, world)
    answered(world, suggestion, public=False, text="感谢建议，将督促物业每季度公开。")
    page = look_up(client, suggestion.number, code)
    assert "感谢建议，将督促物业每季度公开。" in page
    assert "已答复" in page
    assert "东城区" in page
    assert PRIVATE_NOTE not in page
    assert "内部备注" not in page
    services.decide_suggestion(world.office_city, Suggestion.objects.get(pk=suggestion.pk), adoption=Adoption.PARTIAL,
                               reason="公开频次调整为每半年一次。")  # fmt: skip
    page = client.get(TRACK).content.decode()
    assert "部分采纳" in page
    assert "公开频次调整为每半年一次。" in page
    assert "已办结" in page


def test_answers_page_lists_public_answers_only_without_personal_data(client: Client, world: World) -> None:
    shown, _code = file(client, world)
    hidden, _code = file(client, world, title="另一条不公开答复的建议")
    answered(world, shown, public=True, text="公开的答复内容甲")
    answered(world, hidden, public=False, text="不公开的答复内容乙")
    page = client.get(ANSWERS).content.decode()
    assert "公开的答复内容甲" in page
    assert shown.title in page
    assert "不公开的答复内容乙" not in page
    assert hidden.title not in page
    assert "139****5678" not in page
    assert "赵" not in page
    assert PRIVATE_NOTE not in page
    assert "公开的答复内容甲" in client.get(ANSWERS, {"campaign": world.campaign.pk}).content.decode()
    for query in ({"campaign": "abc"}, {"page": "-3"}, {"page": "99999999999999999999"}, {"campaign": "1" * 30}):
        assert client.get(ANSWERS, query).status_code == 200


def test_public_pages_need_no_login_and_are_phone_sized(client: Client, world: World) -> None:
    page = client.get(FILE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'inputmode="tel"' in html
    assert 'name="anonymous"' in html
    assert "Content-Security-Policy" in page.headers
    assert client.get(TRACK).status_code == 200
    assert client.get(ANSWERS).status_code == 200


def test_a_dismissed_suggestion_shows_the_reason(client: Client, world: World) -> None:
    suggestion, code = file(client, world)
    services.dismiss_suggestion(world.office_city, suggestion, reason="与本次活动主题无关，已转有关部门参考。")
    page = look_up(client, suggestion.number, code)
    assert "不予采用" in page
    assert "与本次活动主题无关，已转有关部门参考。" in page
