"""Campaign set-up services: who may, what is checked, what is audited."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.audit.models import Action, AuditEvent
from luoshi.campaigns import services
from luoshi.campaigns.models import DEFAULT_CHANNELS, Aspect, Campaign, Channel, Phase
from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.testing.problems import new_problem

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def create(world, actor=None, unit=None, **kw):
    params = {"unit": unit or world.city, "name": "作风建设年", "starts_on": START, "ends_on": END}
    params.update(kw)
    return services.create_campaign(actor or world.office_city, **params)


def test_create_campaign_with_default_channels_and_given_aspects(world):
    campaign = create(world, aspects=["理论学习", "作风建设", "理论学习", " "])
    assert list(campaign.channels.values_list("name", flat=True)) == list(DEFAULT_CHANNELS)
    assert list(campaign.aspects.values_list("name", flat=True)) == ["理论学习", "作风建设"]
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="campaigns.campaign").count() == 1
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="campaigns.channel").count() == 8


def test_only_the_office_of_the_lead_unit_may_create(world):
    with pytest.raises(NotAllowed):
        create(world, actor=world.liaison_a, unit=world.district_a)
    with pytest.raises(NotAllowed):
        create(world, actor=world.office_a, unit=world.city)
    with pytest.raises(NotAllowed):
        create(world, actor=world.office_a, unit=world.district_b)
    assert Campaign.objects.count() == 1
    assert create(world, actor=world.office_a, unit=world.district_a).unit == world.district_a


def test_create_checks_dates_and_name(world):
    with pytest.raises(RuleViolation, match="结束日期不能早于开始日期"):
        create(world, ends_on=dt.date(2025, 12, 31))
    with pytest.raises(RuleViolation, match="活动名称不能为空"):
        create(world, name=" ")
    assert Campaign.objects.count() == 1


def test_update_campaign_with_optimistic_lock_and_audit(world):
    campaign = world.campaign
    updated = services.update_campaign(world.office_city, campaign, 1, name="新名称", yellow_days=5)
    assert (updated.name, updated.yellow_days, updated.version) == ("新名称", 5, 2)
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_type="campaigns.campaign").get()
    assert (event.before or {})["name"] == "测试主题教育"
    assert (event.after or {})["name"] == "新名称"
    with pytest.raises(Conflict):
        services.update_campaign(world.office_city, campaign, 1, name="过期的修改")
    assert Campaign.objects.get(pk=campaign.pk).name == "新名称"


def test_update_campaign_needs_manage_permission_on_lead_unit(world):
    for user in (world.office_a, world.liaison_a, world.leader_b):
        with pytest.raises(NotAllowed):
            services.update_campaign(user, world.campaign, 1, name="越权修改")
    with pytest.raises(RuleViolation, match="不可修改"):
        services.update_campaign(world.office_city, world.campaign, 1, unit=world.district_a)
    assert Campaign.objects.get(pk=world.campaign.pk).name == "测试主题教育"


def test_phases_must_lie_within_the_campaign(world):
    phase = services.add_item(
        world.office_city, world.campaign, Phase, name="学习研讨", starts_on=START, ends_on=dt.date(2026, 3, 31)
    )
    assert isinstance(phase, Phase)
    with pytest.raises(RuleViolation, match="须在活动起止日期"):
        services.add_item(
            world.office_city, world.campaign, Phase, name="越界", starts_on=START, ends_on=END.replace(year=2027)
        )
    with pytest.raises(RuleViolation, match="阶段「学习研讨」须在活动起止日期"):
        services.update_campaign(world.office_city, world.campaign, 1, starts_on=dt.date(2026, 2, 1))
    updated = services.update_phase(world.office_city, phase, name="学习研讨阶段", starts_on=START, ends_on=END)
    assert (updated.name, updated.ends_on) == ("学习研讨阶段", END)


def test_add_and_rename_refuse_duplicates(world):
    channel = services.add_item(world.office_city, world.campaign, Channel, name="信访举报")
    assert channel.order == len(DEFAULT_CHANNELS)
    with pytest.raises(RuleViolation, match="已有名为「信访举报」的问题来源"):
        services.add_item(world.office_city, world.campaign, Channel, name=" 信访举报 ")
    with pytest.raises(RuleViolation, match="已有名为「巡视反馈」"):
        services.rename_item(world.office_city, channel, "巡视反馈")
    renamed = services.rename_item(world.office_city, channel, "来信来访")
    assert renamed.name == "来信来访"
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_type="campaigns.channel").count() == 1


def test_liaison_cannot_change_the_setup(world):
    aspect = world.aspects[0]
    with pytest.raises(NotAllowed):
        services.add_item(world.liaison_a, world.campaign, Aspect, name="新方面")
    with pytest.raises(NotAllowed):
        services.rename_item(world.liaison_a, aspect, "改名")
    with pytest.raises(NotAllowed):
        services.remove_item(world.office_a, aspect)
    assert Aspect.objects.get(pk=aspect.pk).name == "理论学习"


def test_reorder_and_move(world):
    aspects = world.aspects
    services.move_item(world.office_city, aspects[2], -1)
    order = list(world.campaign.aspects.values_list("name", flat=True))
    assert order == ["理论学习", "作风建设", "政治建设", "为民服务"]
    services.reorder_items(world.office_city, world.campaign, Aspect, [a.pk for a in reversed(aspects)])
    assert list(world.campaign.aspects.values_list("name", flat=True)) == [
        "为民服务",
        "作风建设",
        "政治建设",
        "理论学习",
    ]
    with pytest.raises(RuleViolation, match="列表已变化"):
        services.reorder_items(world.office_city, world.campaign, Aspect, [aspects[0].pk])


def test_removing_a_used_aspect_is_refused(world):
    used = world.aspects[2]
    new_problem(world, aspect=used)
    with pytest.raises(RuleViolation, match="已被 1 条记录") as info:
        services.remove_item(world.office_city, used)
    assert info.value.code == "in_use"
    assert Aspect.objects.filter(pk=used.pk).exists()
    assert not AuditEvent.objects.filter(action=Action.DELETE).exists()


def test_removing_an_unused_item_is_audited(world):
    unused = world.channels[-1]
    services.remove_item(world.office_city, unused)
    assert not Channel.objects.filter(pk=unused.pk).exists()
    event = AuditEvent.objects.get(action=Action.DELETE)
    assert (event.object_type, event.object_repr, (event.before or {})["name"]) == (
        "campaigns.channel",
        unused.name,
        unused.name,
    )
