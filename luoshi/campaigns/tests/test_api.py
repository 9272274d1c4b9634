"""The read-only campaigns API: scope applies, nested set-up lists, no writes."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from luoshi.campaigns.models import Campaign, Phase


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def east_campaign(world):
    return Campaign.objects.create(
        name="东城专项整治", unit=world.district_a, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30)
    )


def test_list_is_scoped_and_nests_setup(world, east_campaign, api):
    Phase.objects.create(
        campaign=world.campaign, name="学习研讨", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31)
    )
    api.force_authenticate(world.office_b)
    response = api.get("/api/v1/campaigns/")
    assert response.status_code == 200
    [campaign] = response.json()["results"]
    assert (campaign["name"], campaign["unit_code"]) == ("测试主题教育", "C000")
    assert [c["name"] for c in campaign["channels"]][:2] == ["巡视反馈", "群众反映"]
    assert [a["name"] for a in campaign["aspects"]] == ["理论学习", "政治建设", "作风建设", "为民服务"]
    assert campaign["phases"] == [
        {
            "id": campaign["phases"][0]["id"],
            "name": "学习研讨",
            "starts_on": "2026-01-01",
            "ends_on": "2026-03-31",
            "order": 0,
        }
    ]


def test_detail_out_of_scope_is_404(world, east_campaign, api):
    api.force_authenticate(world.office_b)
    assert api.get(f"/api/v1/campaigns/{east_campaign.pk}/").status_code == 404
    api.force_authenticate(world.liaison_a)
    assert api.get(f"/api/v1/campaigns/{east_campaign.pk}/").json()["name"] == "东城专项整治"


def test_api_is_read_only_and_needs_login(world, api):
    assert api.get("/api/v1/campaigns/").status_code in (401, 403)
    api.force_authenticate(world.office_city)
    assert api.post("/api/v1/campaigns/", {"name": "x"}).status_code == 405
    assert api.delete(f"/api/v1/campaigns/{world.campaign.pk}/").status_code == 405
    assert Campaign.objects.filter(pk=world.campaign.pk).exists()


def test_filter_by_active(world, east_campaign, api):
    Campaign.objects.filter(pk=east_campaign.pk).update(is_active=False)
    api.force_authenticate(world.office_city)
    names = {c["name"] for c in api.get("/api/v1/campaigns/", {"is_active": "false"}).json()["results"]}
    assert names == {"东城专项整治"}
