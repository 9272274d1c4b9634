"""Claims-check rules: the campaign office edits its campaign's rules; the defaults stay; all audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.reports import services
from luoshi.reports.models import ClaimRule
from luoshi.testing.twofactor import verified_login

pytestmark = pytest.mark.django_db


def test_office_creates_updates_and_deletes_a_rule(world) -> None:
    rule = services.create_rule(world.office_city, world.campaign, pattern="督导组", units="个、组", measure="ignore")
    assert (rule.campaign, rule.unit_list, rule.created_by) == (world.campaign, ["个", "组"], world.office_city)
    rule = services.update_rule(world.office_city, rule, measure="supervision_groups", order=5)
    assert (rule.pattern, rule.measure, rule.order) == ("督导组", "supervision_groups", 5)
    services.delete_rule(world.office_city, rule)
    assert not ClaimRule.objects.filter(pk=rule.pk).exists()
    events = AuditEvent.objects.filter(object_type="reports.claimrule").order_by("seq")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["create", "update", "delete"]


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"pattern": "", "measure": "measures"}, "不能为空"),
        ({"pattern": "问题(销号", "measure": "measures"}, "不是有效的正则表达式"),
        ({"pattern": r"(问题)\1", "measure": "measures"}, "不支持反向引用和环视"),
        ({"pattern": "(?<=已)销号", "measure": "measures"}, "不支持反向引用和环视"),
        ({"pattern": "销号(?!问题)", "measure": "measures"}, "不支持反向引用和环视"),
        ({"pattern": "问题", "measure": "students"}, "核对指标「students」无效"),
    ],
)
def test_bad_rule_is_refused(world, fields, words) -> None:
    with pytest.raises(RuleViolation, match=words):
        services.create_rule(world.office_city, world.campaign, **fields)


def test_only_the_lead_office_manages_rules(world) -> None:
    for user in (world.office_a, world.liaison_a, world.leader_a):
        with pytest.raises(NotAllowed):
            services.create_rule(user, world.campaign, pattern="问题", measure="measures")
    rule = services.create_rule(world.office_city, world.campaign, pattern="问题", measure="measures")
    with pytest.raises(NotAllowed):
        services.update_rule(world.office_a, rule, pattern="措施")
    with pytest.raises(NotAllowed):
        services.delete_rule(world.office_a, rule)


def test_default_rules_cannot_be_changed(world) -> None:
    default = ClaimRule.objects.filter(campaign=None).order_by("pk")[0]
    with pytest.raises(RuleViolation, match="默认规则"):
        services.update_rule(world.office_city, default, pattern="x")
    with pytest.raises(RuleViolation, match="默认规则"):
        services.delete_rule(world.office_city, default)


def test_rules_page_shows_a_pattern_re2_cannot_take_as_a_form_error(client, world) -> None:
    verified_login(client, world.office_city)
    url = reverse("reports:rules") + f"?campaign={world.campaign.pk}"
    response = client.post(url, {"pattern": "(?<=已)销号", "measure": "problems_closed", "order": 0})
    assert response.status_code == 200
    assert "不是有效的正则表达式（不支持反向引用和环视）" in response.content.decode()
    assert not ClaimRule.objects.filter(campaign=world.campaign).exists()
