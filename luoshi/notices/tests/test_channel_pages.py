"""消息设置 (one's own channels), 单位群机器人 (the office's unit robots, audited, scoped) and 送达记录 (the log)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.audit.models import Action, AuditEvent
from luoshi.core.crypto import decrypt
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.notices import services
from luoshi.notices.models import Delivery, DeliveryStatus, GroupKind, NoticeKind, NoticePreference, UnitChannel
from luoshi.testing.twofactor import verified_login

PHONE = "13912345678"


def test_defaults_without_a_row(world):
    pref = services.preferences_of(world.liaison_a)
    assert pref.pk is None
    assert (pref.email, pref.sms, pref.digest) == (True, False, True)


def test_preferences_page_saves_own_channels_encrypts_the_number_and_audits(client, world):
    verified_login(client, world.liaison_a)
    url = reverse("notices:preferences")
    assert reverse("notices:preferences") in client.get(reverse("notices:inbox")).content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial == {"email": True, "sms": False, "digest": True}
    response = client.post(url, {"email": "on", "sms": "on", "digest": "", "phone": PHONE})
    assert response.status_code == 302
    pref = NoticePreference.objects.get(user=world.liaison_a)
    assert (pref.email, pref.sms, pref.digest, pref.phone_masked) == (True, True, False, "139****5678")
    assert PHONE not in pref.phone_enc
    assert decrypt(pref.phone_enc) == PHONE
    text = client.get(url).content.decode()
    assert "139****5678" in text
    assert PHONE not in text
    event = AuditEvent.objects.filter(object_type="notices.noticepreference").latest("seq")
    assert event.action == Action.CREATE
    assert PHONE not in json.dumps([event.before, event.after, event.detail], ensure_ascii=False)
    assert "139****5678" not in json.dumps([event.before, event.after], ensure_ascii=False)
    # A blank number keeps the stored one; "删除手机号" removes it, and SMS then cannot stay on.
    assert client.post(url, {"email": "on", "sms": "on", "digest": "on", "phone": ""}).status_code == 302
    assert NoticePreference.objects.get(user=world.liaison_a).phone_masked == "139****5678"
    response = client.post(url, {"email": "on", "sms": "on", "digest": "on", "remove_phone": "on"})
    assert response.status_code == 200
    assert "开启短信提醒须先填写手机号" in response.content.decode()
    assert NoticePreference.objects.get(user=world.liaison_a).sms is True
    assert not NoticePreference.objects.filter(user=world.office_a).exists()


@pytest.mark.parametrize("phone", ["12345", "010-12345678"])
def test_a_bad_or_landline_number_is_refused(world, phone):
    with pytest.raises(RuleViolation):
        services.set_preferences(world.liaison_a, email=True, sms=True, digest=True, phone=phone)
    assert not NoticePreference.objects.exists()


def test_changing_only_the_number_is_audited(world):
    services.set_preferences(world.liaison_a, email=True, sms=True, digest=True, phone=PHONE)
    services.set_preferences(world.liaison_a, email=True, sms=True, digest=True, phone="13800001111")
    event = AuditEvent.objects.filter(object_type="notices.noticepreference").latest("seq")
    assert (event.action, event.detail, event.before, event.after) == (Action.UPDATE, "phone changed", {}, {})


def api_of(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_preferences_api_is_the_callers_own(world):
    url = reverse("notification-preferences")
    api = api_of(world.liaison_a)
    assert api.get(url).json() == {"email": True, "sms": False, "digest": True, "phone_masked": ""}
    answer = api.put(url, {"email": False, "sms": True, "digest": True, "phone": PHONE}, format="json")
    assert answer.status_code == 200
    assert answer.json() == {"email": False, "sms": True, "digest": True, "phone_masked": "139****5678"}
    refused = api.put(url, {"email": True, "sms": True, "digest": True, "phone": ""}, format="json")
    assert refused.status_code == 400
    assert api_of(world.liaison_b).get(url).json()["phone_masked"] == ""
    assert APIClient().get(url).status_code in (401, 403)


def test_office_configures_a_unit_robot_audited_without_credentials(client, world):
    verified_login(client, world.office_a)
    url = reverse("notices:unit_channels")
    data = {
        "unit_code": "S001",
        "kind": GroupKind.DINGTALK,
        "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=tok123",
        "secret": "SECabc",
        "active": "on",
    }
    assert client.post(url, data).status_code == 302
    robot = UnitChannel.objects.get()
    assert (robot.unit, robot.org_path, robot.secret, robot.active) == (
        world.street_a,
        world.street_a.path,
        "SECabc",
        True,
    )
    page = client.get(url).content.decode()
    assert "东城街道" in page
    assert "tok123" not in page
    assert "SECabc" not in page
    edit = reverse("notices:unit_channel_edit", args=[robot.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {**data, "secret": "", "active": ""}).status_code == 302
    robot.refresh_from_db()
    assert (robot.active, robot.secret) == (False, "SECabc")  # a blank secret keeps the stored one
    events = AuditEvent.objects.filter(object_type="notices.unitchannel").order_by("seq")
    assert [e.action for e in events] == [Action.CREATE, Action.UPDATE]
    assert events[1].after == {"active": False}
    dumped = json.dumps([[e.before, e.after, e.detail] for e in events], ensure_ascii=False)
    assert "tok123" not in dumped
    assert "SECabc" not in dumped
    # Another district's unit, a unit not found, a duplicate: refused on the form.
    for code in ("D002", "NOPE"):
        response = client.post(url, {**data, "unit_code": code})
        assert response.status_code == 200
        assert "未找到该单位" in response.content.decode()
    assert client.post(url, {**data, "webhook_url": "ftp://x.example/"}).status_code == 200
    assert UnitChannel.objects.count() == 1


def test_robots_are_the_offices_within_scope(client, world):
    robot = services.save_unit_channel(
        world.office_a, unit=world.district_a, kind=GroupKind.WECOM, webhook_url="https://qyapi.example/send?key=k"
    )
    with pytest.raises(NotAllowed):
        services.save_unit_channel(
            world.office_b, unit=world.district_a, kind=GroupKind.WECOM, webhook_url="https://x.example/"
        )
    with pytest.raises(NotAllowed):
        services.save_unit_channel(
            world.liaison_a, unit=world.district_a, kind=GroupKind.WECOM, webhook_url="https://x.example/"
        )
    with pytest.raises(RuleViolation):
        services.save_unit_channel(world.office_a, unit=world.district_a, kind="sms", webhook_url="https://x.example/")
    assert list(services.unit_channels(world.office_city)) == [robot]
    assert list(services.unit_channels(world.office_b)) == []
    verified_login(client, world.office_b)
    assert client.get(reverse("notices:unit_channel_edit", args=[robot.pk])).status_code == 404
    for user in (world.liaison_a, world.secadmin):
        verified_login(client, user)
        assert client.get(reverse("notices:unit_channels")).status_code == 403
        assert client.get(reverse("notices:deliveries")).status_code == 403


def test_delivery_log_is_scoped_and_filtered(client, world, channels_on, django_capture_on_commit_callbacks):
    services.save_unit_channel(
        world.office_a, unit=world.district_a, kind=GroupKind.WECOM, webhook_url=f"{channels_on.url}/wecom"
    )
    world.liaison_a.email = "liaison@example.com"
    world.liaison_a.unit = world.district_a
    world.liaison_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([world.liaison_a], kind=NoticeKind.URGED, title="催办东城")
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2
    verified_login(client, world.office_a)
    url = reverse("notices:deliveries")
    page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 2
    assert "l***@example.com" in page.content.decode()
    assert "liaison@example.com" not in page.content.decode()
    assert [d.channel for d in client.get(url, {"channel": "wecom"}).context["page"].object_list] == ["wecom"]
    assert client.get(url, {"status": "failed"}).context["page"].object_list == []
    assert client.get(url, {"status": "bogus", "page": "x"}).status_code == 200
    verified_login(client, world.office_b)
    assert client.get(url).context["page"].object_list == []
    assert list(services.deliveries(world.office_b)) == []
