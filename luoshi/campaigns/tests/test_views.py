"""Campaign set-up pages: the office of the lead unit manages, others may look, out of scope is 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from luoshi.campaigns.models import Aspect, Campaign, Channel, Phase
from luoshi.testing.problems import new_problem
from luoshi.testing.twofactor import verified_login


@pytest.fixture
def east_campaign(world):
    return Campaign.objects.create(
        name="东城专项整治", unit=world.district_a, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30)
    )


def test_list_shows_only_visible_campaigns_and_create_button_to_offices(world, east_campaign, client):
    verified_login(client, world.office_b)
    page = client.get(reverse("campaigns:list")).content.decode()
    assert "测试主题教育" in page
    assert "东城专项整治" not in page
    assert reverse("campaigns:create") in page
    verified_login(client, world.liaison_a)
    page = client.get(reverse("campaigns:list")).content.decode()
    assert "测试主题教育" in page
    assert "东城专项整治" in page
    assert reverse("campaigns:create") not in page


def test_detail_is_404_out_of_scope(world, east_campaign, client):
    verified_login(client, world.office_b)
    assert client.get(reverse("campaigns:detail", args=[east_campaign.pk])).status_code == 404
    assert client.get(reverse("campaigns:edit", args=[east_campaign.pk])).status_code == 404
    verified_login(client, world.liaison_a)
    response = client.get(reverse("campaigns:detail", args=[east_campaign.pk]))
    assert response.status_code == 200
    assert response.context["can_manage"] is False


def test_detail_shows_manage_controls_to_the_office(world, client):
    verified_login(client, world.office_city)
    response = client.get(reverse("campaigns:detail", args=[world.campaign.pk]))
    assert response.context["can_manage"] is True
    page = response.content.decode()
    assert reverse("campaigns:edit", args=[world.campaign.pk]) in page
    assert reverse("campaigns:item_add", args=[world.campaign.pk, "aspects"]) in page
    assert "12345热线" in page


def test_office_edits_liaison_gets_403_and_nothing_changes(world, client):
    url = reverse("campaigns:edit", args=[world.campaign.pk])
    data = {"name": "新名称", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "yellow_days": 5, "version": 1}
    for user in (world.liaison_a, world.office_a):
        verified_login(client, user)
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    assert Campaign.objects.get(pk=world.campaign.pk).name == "测试主题教育"
    verified_login(client, world.office_city)
    assert client.get(url).status_code == 200
    response = client.post(url, {**data, "is_active": "on"})
    assert response.status_code == 302
    campaign = Campaign.objects.get(pk=world.campaign.pk)
    assert (campaign.name, campaign.yellow_days, campaign.is_active, campaign.version) == ("新名称", 5, True, 2)


def test_stale_edit_shows_a_conflict(world, client):
    verified_login(client, world.office_city)
    url = reverse("campaigns:edit", args=[world.campaign.pk])
    data = {"name": "新名称", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "yellow_days": 3, "version": 7}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    assert Campaign.objects.get(pk=world.campaign.pk).name == "测试主题教育"


def test_create_page(world, client):
    verified_login(client, world.liaison_a)
    assert client.get(reverse("campaigns:create")).status_code == 403
    verified_login(client, world.office_a)
    response = client.get(reverse("campaigns:create"))
    assert response.status_code == 200
    units = set(response.context["form"].fields["unit"].queryset)
    assert units == {world.district_a, world.street_a}
    data = {
        "unit": world.district_a.pk,
        "name": "东城作风建设",
        "starts_on": "2026-03-01",
        "ends_on": "2026-09-30",
        "yellow_days": 3,
        "channels": "群众反映\n自查自纠\n",
        "aspects": "作风建设",
    }
    response = client.post(reverse("campaigns:create"), data)
    campaign = Campaign.objects.get(name="东城作风建设")
    assert response.status_code == 302
    assert response.url == reverse("campaigns:detail", args=[campaign.pk])
    assert list(campaign.channels.values_list("name", flat=True)) == ["群众反映", "自查自纠"]
    response = client.post(reverse("campaigns:create"), {**data, "unit": world.city.pk, "name": "越权"})
    assert response.status_code == 200
    assert not Campaign.objects.filter(name="越权").exists()


def test_items_are_added_renamed_moved_and_deleted_by_the_office(world, client):
    verified_login(client, world.office_city)
    pk = world.campaign.pk
    client.post(reverse("campaigns:item_add", args=[pk, "aspects"]), {"name": "纪律建设"})
    added = Aspect.objects.get(campaign=world.campaign, name="纪律建设")
    client.post(reverse("campaigns:item_update", args=[pk, "aspects", added.pk]), {"name": "纪律作风"})
    client.post(reverse("campaigns:item_move", args=[pk, "aspects", added.pk]), {"direction": "up"})
    names = list(world.campaign.aspects.values_list("name", flat=True))
    assert names == ["理论学习", "政治建设", "作风建设", "纪律作风", "为民服务"]
    client.post(
        reverse("campaigns:item_add", args=[pk, "phases"]),
        {"name": "动员部署", "starts_on": "2026-01-01", "ends_on": "2026-01-31"},
    )
    assert Phase.objects.get(campaign=world.campaign).name == "动员部署"
    response = client.post(reverse("campaigns:item_delete", args=[pk, "aspects", added.pk]))
    assert response.status_code == 302
    assert not Aspect.objects.filter(pk=added.pk).exists()


def test_deleting_a_used_aspect_shows_why_and_keeps_it(world, client):
    used = world.aspects[2]
    new_problem(world, aspect=used)
    verified_login(client, world.office_city)
    response = client.post(reverse("campaigns:item_delete", args=[world.campaign.pk, "aspects", used.pk]), follow=True)
    assert "不能删除" in response.content.decode()
    assert Aspect.objects.filter(pk=used.pk).exists()


def test_item_actions_are_403_for_liaison_and_404_out_of_scope(world, east_campaign, client):
    channel = Channel.objects.create(campaign=east_campaign, name="自查自纠")
    add_url = reverse("campaigns:item_add", args=[east_campaign.pk, "channels"])
    delete_url = reverse("campaigns:item_delete", args=[east_campaign.pk, "channels", channel.pk])
    verified_login(client, world.liaison_a)
    assert client.post(add_url, {"name": "越权"}).status_code == 403
    assert client.post(delete_url).status_code == 403
    verified_login(client, world.office_b)
    assert client.post(add_url, {"name": "越权"}).status_code == 404
    assert client.post(delete_url).status_code == 404
    verified_login(client, world.office_a)
    other = reverse("campaigns:item_delete", args=[east_campaign.pk, "channels", world.channels[0].pk])
    assert client.post(other).status_code == 404
    assert (
        client.post(reverse("campaigns:item_add", args=[east_campaign.pk, "widgets"]), {"name": "x"}).status_code == 404
    )
    assert list(east_campaign.channels.values_list("name", flat=True)) == ["自查自纠"]
    assert Channel.objects.filter(pk=world.channels[0].pk).exists()
