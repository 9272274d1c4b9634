"""Taking in suggestions: members in the platform and the public; numbers, codes, checks, personal data."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from luoshi.audit.models import AuditEvent
from luoshi.campaigns.models import Campaign
from luoshi.core import crypto
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.members.tests.factory import make_member
from luoshi.suggestions import intake
from luoshi.suggestions.choices import EventKind, Source, SuggestionCategory, SuggestionState
from luoshi.suggestions.models import Suggestion, SuggestionEvent
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db

GOOD: dict[str, Any] = {
    "title": "建议增设社区食堂",
    "content": "东城街道老年人较多，建议在社区服务中心增设老年食堂，解决吃饭难。",
    "category": SuggestionCategory.LIVELIHOOD,
    "topic": "养老服务",
}


def public(world: World, **extra: Any) -> tuple[Suggestion, str]:
    fields: dict[str, Any] = {"campaign": world.campaign, **GOOD, "name": "王小明", "phone": "13900001234"}
    return intake.submit_public_suggestion(**{"anonymous": False, **fields, **extra})


def test_a_member_suggestion_is_linked_numbered_and_timed(world: World) -> None:
    member = make_member(world.district_a, user=world.liaison_a)
    suggestion = intake.submit_member_suggestion(world.liaison_a, campaign=world.campaign, **GOOD)
    assert suggestion.source == Source.MEMBER
    assert suggestion.member == member
    assert suggestion.submitted_by == world.liaison_a
    assert suggestion.state == SuggestionState.SUBMITTED
    assert suggestion.org_path == world.city.path
    assert re.fullmatch(rf"JY{timezone.localdate():%Y%m%d}\d{{6}}", suggestion.number)
    assert re.fullmatch(r"[A-Z2-9]{10}", suggestion.tracking_code)
    [first] = SuggestionEvent.objects.filter(suggestion=suggestion)
    assert (first.kind, first.actor, first.private) == (EventKind.SUBMITTED, world.liaison_a, False)
    audit = AuditEvent.objects.filter(object_type="suggestions.suggestion", object_id=str(suggestion.pk))
    assert audit.filter(action="create", actor=world.liaison_a).exists()


def test_a_member_without_a_register_entry_or_anonymous_is_not_linked(world: World) -> None:
    plain = intake.submit_member_suggestion(world.leader_a, campaign=world.campaign, **GOOD)
    assert plain.member is None
    make_member(world.district_a, user=world.liaison_a)
    hidden = intake.submit_member_suggestion(world.liaison_a, campaign=world.campaign, anonymous=True, **GOOD)
    assert hidden.member is None
    assert hidden.anonymous


def test_numbers_and_codes_are_unique(world: World) -> None:
    made = [public(world, title=f"第{i}条关于停车的建议")[0] for i in range(5)]
    assert len({s.number for s in made}) == 5
    assert len({s.tracking_code for s in made}) == 5


def test_who_may_suggest_where(world: World) -> None:
    district_campaign = Campaign.objects.create(
        name="东城专项", unit=world.district_a, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    assert intake.submit_member_suggestion(world.supervisor_a, campaign=district_campaign, **GOOD)
    for outsider in (world.liaison_b, world.office_b, world.nobody, world.auditor, world.dispatcher_city):
        with pytest.raises(NotAllowed):
            intake.submit_member_suggestion(outsider, campaign=district_campaign, **GOOD)
    assert intake.submit_member_suggestion(world.liaison_b, campaign=world.campaign, **GOOD)  # the city's campaign
    with pytest.raises(NotAllowed):
        intake.submit_member_suggestion(None, campaign=world.campaign, **GOOD)


def test_a_public_suggestion_keeps_name_and_phone_encrypted_and_masked(world: World) -> None:
    suggestion, code = public(world, phone="139 0000 1234")
    assert code == suggestion.tracking_code
    assert suggestion.source == Source.PUBLIC
    assert suggestion.submitted_by is None
    assert (suggestion.name_masked, suggestion.phone_masked) == ("王**", "139****1234")
    assert crypto.decrypt(suggestion.name_enc) == "王小明"
    assert crypto.decrypt(suggestion.phone_enc) == "13900001234"
    assert suggestion.phone_index == crypto.blind_index("13900001234")
    audit = AuditEvent.objects.get(object_type="suggestions.suggestion", object_id=str(suggestion.pk))
    assert audit.actor_name == intake.PUBLIC_ACTOR
    assert "13900001234" not in str(audit.after)
    assert "王小明" not in str(audit.after)


def test_anonymity_stores_no_name_or_phone(world: World) -> None:
    suggestion, _code = public(world, anonymous=True)
    stored = Suggestion.objects.get(pk=suggestion.pk)
    assert stored.anonymous
    assert (stored.name_enc, stored.name_masked, stored.phone_enc, stored.phone_index, stored.phone_masked) == (
        "",
        "",
        "",
        "",
        "",
    )


def test_name_and_phone_are_optional(world: World) -> None:
    suggestion, _code = public(world, name="", phone="")
    assert (suggestion.name_enc, suggestion.phone_enc, suggestion.phone_masked) == ("", "", "")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"title": ""}, "请填写标题"),
        ({"title": "短"}, "至少"),
        ({"title": "长" * 101}, "不能超过"),
        ({"content": "<b>加粗</b>的建议内容，请采纳"}, "网页代码"),
        ({"content": "太短"}, "至少"),
        ({"content": "长" * 3001}, "不能超过"),
        ({"topic": "长" * 101}, "不能超过"),
        ({"category": "rocket"}, "类别"),
        ({"phone": "12345"}, "手机号"),
        ({"name": "名" * 21}, "不能超过"),
        ({"campaign": None}, "征集"),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(world: World, bad: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleViolation, match=message):
        public(world, **bad)
    member_bad = {k: v for k, v in bad.items() if k not in ("name", "phone")}
    if member_bad:
        with pytest.raises((RuleViolation, NotAllowed)):
            intake.submit_member_suggestion(world.liaison_a, **{"campaign": world.campaign, **GOOD, **member_bad})
    assert Suggestion.objects.count() == 0
    assert SuggestionEvent.objects.count() == 0


def test_an_inactive_campaign_takes_no_suggestions(world: World) -> None:
    world.campaign.is_active = False
    world.campaign.save(update_fields=["is_active"])
    assert not intake.accepting_campaigns().exists()
    with pytest.raises(RuleViolation):
        public(world)
    with pytest.raises(RuleViolation):
        intake.submit_member_suggestion(world.liaison_a, campaign=world.campaign, **GOOD)
    assert Suggestion.objects.count() == 0
