"""Channels out of the inbox against a local receiver: e-mail, WeCom, DingTalk (signed), SMS; retries and failures
that never undo the change that caused the notification; nothing personal in the log."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import urllib.parse

import pytest
from django.core import mail

from luoshi.notices import channels, delivery
from luoshi.notices import services as notices
from luoshi.notices.models import Channel, Delivery, DeliveryStatus, GroupKind, NoticeKind, Notification
from luoshi.notices.tests.conftest import FAR_FUTURE, closed_port_url, run_scheduled
from luoshi.tasks import services as task_services
from luoshi.tasks.choices import State as TaskState
from luoshi.tasks.models import TaskAssignment
from luoshi.tasks.tests.factory import in_state

PHONE = "13912345678"


def with_email(user, address: str = "liaison@example.com"):
    user.email = address
    user.save(update_fields=["email"])
    return user


def urge(world, capture, users=None, title="请尽快办理", body="东城联络员 13912345678 请回复") -> list[Notification]:
    with capture(execute=True):
        return notices.notify(
            users or [world.liaison_a], kind=NoticeKind.URGED, title=title, body=body, url="/tasks/1/"
        )


def test_urgent_notification_goes_out_by_email_and_sms_at_once(world, channels_on, django_capture_on_commit_callbacks):
    with_email(world.liaison_a)
    notices.set_preferences(world.liaison_a, email=True, sms=True, digest=True, phone=PHONE)
    [notice] = urge(world, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == ["liaison@example.com"]
    assert "请尽快办理" in message.subject
    assert "https://luoshi.example/tasks/1/" in message.body
    [sms] = channels_on.requests
    assert sms.path == "/sms"
    assert sms.body["phone"] == PHONE
    assert "请尽快办理" in sms.body["text"]
    assert sms.headers["Authorization"] == "Bearer sms-token"
    rows = Delivery.objects.filter(notification=notice).order_by("channel")
    assert [(d.channel, d.status, d.attempts) for d in rows] == [
        (Channel.EMAIL, DeliveryStatus.SENT, 1),
        (Channel.SMS, DeliveryStatus.SENT, 1),
    ]
    assert [d.target for d in rows] == ["l***@example.com", "139****5678"]
    assert Notification.objects.get(pk=notice.pk).read_at is None  # still in the inbox, unread


def test_non_urgent_kinds_wait_for_the_digest(world, channels_on, django_capture_on_commit_callbacks):
    with_email(world.liaison_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notices.notify([world.liaison_a], kind=NoticeKind.ASSIGNED, title="交办")
    assert callbacks == []  # nothing registered for a kind that does not leave the inbox
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_preferences_are_respected(world, channels_on, django_capture_on_commit_callbacks):
    with_email(world.liaison_a)
    with_email(world.leader_a, "leader@example.com")
    notices.set_preferences(world.liaison_a, email=False, sms=False, digest=True, phone=PHONE)
    urge(world, django_capture_on_commit_callbacks, users=[world.liaison_a, world.leader_a])
    assert [m.to for m in mail.outbox] == [["leader@example.com"]]  # default: e-mail on, SMS off
    assert channels_on.requests == []
    assert set(Delivery.objects.values_list("recipient_id", flat=True)) == {world.leader_a.pk}


def test_no_channel_configured_sends_nothing(world, settings, django_capture_on_commit_callbacks):
    with_email(world.liaison_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notices.notify([world.liaison_a], kind=NoticeKind.URGED, title="催办")
    assert callbacks == []
    assert mail.outbox == []


def test_wecom_group_robot_of_the_unit_gets_one_message_per_urge(
    world, channels_on, django_capture_on_commit_callbacks
):
    robot = notices.save_unit_channel(
        world.office_a, unit=world.district_a, kind=GroupKind.WECOM, webhook_url=f"{channels_on.url}/wecom?key=k1"
    )
    urge(world, django_capture_on_commit_callbacks, users=[world.liaison_a, world.leader_a])
    [post] = channels_on.requests
    assert post.path == "/wecom"
    assert post.query == {"key": ["k1"]}
    assert post.body["msgtype"] == "markdown"
    assert "**请尽快办理**" in post.body["markdown"]["content"]
    [row] = Delivery.objects.filter(channel=Channel.WECOM)
    assert (row.unit_channel_id, row.status, row.target, row.org_path) == (
        robot.pk,
        DeliveryStatus.SENT,
        "127.0.0.1",
        world.district_a.path,
    )
    # District B's users are not district A's group.
    urge(world, django_capture_on_commit_callbacks, users=[world.liaison_b], title="西城催办")
    assert len(channels_on.requests) == 1


def test_round_opening_goes_to_the_platform_default_robot(world, channels_on, django_capture_on_commit_callbacks):
    channels_on_settings = channels_on
    from django.conf import settings

    settings.LUOSHI_NOTICE_WECOM_WEBHOOK = f"{channels_on_settings.url}/default"
    with django_capture_on_commit_callbacks(execute=True):
        notices.notify([world.liaison_a, world.liaison_b], kind=NoticeKind.ROUND_OPENED, title="第3轮报送开启")
    paths = sorted(r.path for r in channels_on.requests)
    assert paths == ["/default"]  # one message for the same round, whoever's unit
    assert mail.outbox == []  # not an urgent kind: no personal e-mail


def dingtalk_expected(secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def test_dingtalk_robot_is_signed(world, channels_on, django_capture_on_commit_callbacks):
    secret = "SEC0123456789abcdef"
    notices.save_unit_channel(
        world.office_a,
        unit=world.district_a,
        kind=GroupKind.DINGTALK,
        webhook_url=f"{channels_on.url}/robot/send?access_token=t1",
        secret=secret,
    )
    with django_capture_on_commit_callbacks(execute=True):
        notices.notify([world.leader_a], kind=NoticeKind.ESCALATED, title="逾期升级：东城任务")
    [post] = channels_on.requests
    assert post.path == "/robot/send"
    assert post.query["access_token"] == ["t1"]
    [timestamp], [sign] = post.query["timestamp"], post.query["sign"]
    assert len(timestamp) == 13  # milliseconds
    assert sign == dingtalk_expected(secret, timestamp)  # parse_qs has undone the URL encoding
    assert post.body["msgtype"] == "markdown"
    assert post.body["markdown"]["title"] == "逾期升级：东城任务"


def test_dingtalk_sign_matches_the_documented_algorithm():
    sign = channels.dingtalk_sign("this is secret", 1700000000000)
    assert urllib.parse.unquote_plus(sign) == dingtalk_expected("this is secret", "1700000000000")
    assert not {"+", "/", "="} & set(sign)  # URL-encoded
    assert channels.dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=x", "", 1) == (
        "https://oapi.dingtalk.com/robot/send?access_token=x"
    )


def test_a_robot_refusal_is_a_failure(world, channels_on, django_capture_on_commit_callbacks, settings):
    settings.LUOSHI_NOTICE_RETRIES = 0
    channels_on.answer = {"errcode": 310000, "errmsg": "sign not match"}
    notices.save_unit_channel(
        world.office_a, unit=world.district_a, kind=GroupKind.DINGTALK, webhook_url=f"{channels_on.url}/robot"
    )
    urge(world, django_capture_on_commit_callbacks)
    [row] = Delivery.objects.all()
    assert (row.status, row.last_error) == (DeliveryStatus.FAILED, "robot refused (errcode 310000)")


@pytest.mark.parametrize("failure", ["http500", "refused"])
def test_a_failing_channel_retries_ends_failed_and_the_transition_stays(
    world, channels_on, settings, django_capture_on_commit_callbacks, caplog, failure
):
    with_email(world.liaison_a)
    notices.set_preferences(world.liaison_a, email=True, sms=True, digest=True, phone=PHONE)
    if failure == "http500":
        channels_on.status = 500
    else:
        settings.LUOSHI_NOTICE_SMS_URL = closed_port_url()
    item = in_state(world, TaskState.FINISH_REQUESTED)
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        task_services.send_back(world.office_a, item, reason="材料不全")
        notices.notify([world.liaison_a], kind=NoticeKind.URGED, title="请补齐材料", body=f"联系 {PHONE}")
    assert TaskAssignment.objects.get(pk=item.pk).state == TaskState.IN_PROGRESS  # the transition committed
    sms = Delivery.objects.get(channel=Channel.SMS)
    assert (sms.status, sms.attempts) == (DeliveryStatus.QUEUED, 1)  # waiting for its retry
    assert len(mail.outbox) == 1  # the other channel is not held up
    run_scheduled(FAR_FUTURE)
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.FAILED
    assert sms.attempts == delivery.max_attempts() == 4
    assert sms.last_error == ("HTTP 500" if failure == "http500" else "connection failed (ConnectionRefusedError)")
    if failure == "http500":
        assert len(channels_on.requests) == 4
    assert Notification.objects.filter(recipient=world.liaison_a, kind=NoticeKind.URGED).count() == 1
    assert PHONE not in caplog.text
    assert "联系" not in caplog.text
    assert "sms-token" not in caplog.text


def test_console_sms_provider_logs_only_a_masked_number(world, channels_on, settings, caplog):
    settings.LUOSHI_NOTICE_SMS_PROVIDER = "luoshi.notices.channels.ConsoleSmsProvider"
    provider = channels.sms_provider()
    assert isinstance(provider, channels.SmsProvider)
    with caplog.at_level(logging.INFO):
        provider.send(PHONE, "东城联络员：请尽快办理")
    assert "139****5678" in caplog.text
    assert PHONE not in caplog.text
    assert "请尽快办理" not in caplog.text
    settings.LUOSHI_NOTICE_SMS_PROVIDER = ""
    assert channels.sms_provider() is None
    settings.LUOSHI_NOTICE_SMS_PROVIDER = "luoshi.notices.quiet.window"
    with pytest.raises(channels.ChannelError):
        channels.sms_provider()


def test_mail_backend_failure_is_recorded(world, channels_on, settings, django_capture_on_commit_callbacks):
    settings.LUOSHI_NOTICE_RETRIES = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", int(closed_port_url().split(":")[2].split("/")[0])
    with_email(world.liaison_a)
    urge(world, django_capture_on_commit_callbacks)
    run_scheduled(FAR_FUTURE)
    row = Delivery.objects.get(channel=Channel.EMAIL)
    assert row.status == DeliveryStatus.FAILED
    assert row.last_error == "mail backend failed (ConnectionRefusedError)"


def test_a_delivery_switched_off_meanwhile_is_skipped(world, channels_on, django_capture_on_commit_callbacks):
    robot = notices.save_unit_channel(
        world.office_a, unit=world.district_a, kind=GroupKind.WECOM, webhook_url=f"{channels_on.url}/wecom"
    )
    channels_on.status = 500
    urge(world, django_capture_on_commit_callbacks)
    notices.save_unit_channel(
        world.office_a,
        unit=world.district_a,
        kind=GroupKind.WECOM,
        webhook_url=robot.webhook_url,
        active=False,
        channel=robot,
    )
    run_scheduled(FAR_FUTURE)
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.SKIPPED, 2, "group robot switched off")


def test_only_http_addresses_are_posted_to():
    with pytest.raises(channels.ChannelError, match="not an http"):
        channels.post_json("file:///etc/passwd", {})
    assert channels.mask_webhook("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret") == "qyapi.weixin.qq.com"
    assert channels.mask_email("zhang@example.com") == "z***@example.com"
