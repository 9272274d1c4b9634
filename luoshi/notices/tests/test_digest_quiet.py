"""The daily digest (每日汇总) on a frozen clock, and quiet hours (免打扰): delayed to their end, never dropped."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from huey.contrib.djhuey import HUEY

from luoshi.notices import delivery, tasks
from luoshi.notices import services as notices
from luoshi.notices.models import Channel, Delivery, DeliveryStatus, NoticeKind, Notification
from luoshi.notices.quiet import due_time, quiet_until, window
from luoshi.notices.tests.conftest import run_scheduled

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = "13912345678"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


def with_email(user, address: str):
    user.email = address
    user.save(update_fields=["email"])


def test_digest_sends_one_message_per_person_and_never_repeats(world, channels_on, django_capture_on_commit_callbacks):
    with_email(world.liaison_a, "liaison@example.com")
    with_email(world.leader_a, "leader@example.com")
    notices.set_preferences(world.leader_a, email=True, sms=False, digest=False)
    notices.set_preferences(world.liaison_b, email=True, sms=True, digest=True, phone=PHONE)
    with time_machine.travel(at(5, 9), tick=False):
        stale = notices.notify([world.liaison_a], kind=NoticeKind.ASSIGNED, title="两天前的交办")[0]
    with time_machine.travel(at(7, 15), tick=False):
        everyone = [world.liaison_a, world.leader_a, world.liaison_b]
        for i in range(3):
            notices.notify(everyone, kind=NoticeKind.ASSIGNED, title=f"交办{i}")
        notices.notify([world.liaison_a], kind=NoticeKind.SENT_BACK, title="退回一")
        read = notices.notify([world.liaison_a], kind=NoticeKind.DECIDED, title="已读的审批")[0]
        notices.mark_read(world.liaison_a, [read.pk])
        with django_capture_on_commit_callbacks(execute=True):
            notices.notify([world.liaison_a], kind=NoticeKind.URGED, title="催办一")
        mail.outbox.clear()  # the urge went out at once
    with time_machine.travel(at(8, 8), tick=False):
        tasks.daily_digest.call_local()
    [message] = mail.outbox  # liaison_a only: leader_a turned the digest off, liaison_b has no address
    assert message.to == ["liaison@example.com"]
    assert "4 条未读" in message.subject
    assert "交办给我/本单位：3" in message.body
    assert "被退回：1" in message.body
    assert "退回一" in message.body
    assert "催办一" not in message.body  # urgent kinds went out at once instead
    assert "已读的审批" not in message.body
    assert "两天前的交办" not in message.body
    assert "https://luoshi.example/notices/" in message.body
    [sms] = channels_on.requests  # liaison_b: the digest by SMS
    assert sms.body == {"phone": PHONE, "text": "【落实】您有 3 条未读消息，请登录平台查看。"}
    digested = Notification.objects.filter(recipient=world.liaison_a, digested_at__isnull=False)
    assert digested.count() == 4
    assert Notification.objects.get(pk=stale.pk).digested_at is None
    assert not Notification.objects.filter(recipient=world.leader_a, digested_at__isnull=False).exists()
    rows = Delivery.objects.filter(digest_at__isnull=False).order_by("channel")
    assert [(d.channel, d.recipient_id, d.status) for d in rows] == [
        (Channel.EMAIL, world.liaison_a.pk, DeliveryStatus.SENT),
        (Channel.SMS, world.liaison_b.pk, DeliveryStatus.SENT),
    ]
    with time_machine.travel(at(8, 9), tick=False):
        assert delivery.collect_digests() == []  # nothing new: nothing again
    with time_machine.travel(at(8, 12), tick=False):
        notices.notify([world.liaison_a], kind=NoticeKind.DUE_SOON, title="即将到期一")
    with time_machine.travel(at(9, 8), tick=False):
        tasks.daily_digest.call_local()
    assert len(mail.outbox) == 2
    assert "1 条未读" in mail.outbox[1].subject
    assert "即将到期一" in mail.outbox[1].body
    assert "交办0" not in mail.outbox[1].body


def test_digest_lists_the_first_titles_and_counts_the_rest(world, channels_on):
    with_email(world.liaison_a, "liaison@example.com")
    with time_machine.travel(at(7, 15), tick=False):
        notices.send([n for i in range(14) for n in notices.build([world.liaison_a], title=f"第{i}条")])
    with time_machine.travel(at(8, 8), tick=False):
        tasks.daily_digest.call_local()
    [message] = mail.outbox
    assert "第13条" in message.body
    assert "第4条" in message.body
    assert "第3条" not in message.body
    assert "另有 4 条" in message.body


def test_no_channel_no_digest(world, settings):
    with_email(world.liaison_a, "liaison@example.com")
    notices.notify([world.liaison_a], kind=NoticeKind.ASSIGNED, title="交办")
    assert delivery.collect_digests() == []
    assert not Notification.objects.filter(digested_at__isnull=False).exists()


def test_an_urge_at_23_is_delivered_at_7(world, channels_on, settings, django_capture_on_commit_callbacks):
    settings.LUOSHI_NOTICE_QUIET_HOURS = "22:00-07:00"
    with_email(world.liaison_a, "liaison@example.com")
    with time_machine.travel(at(7, 23), tick=False), django_capture_on_commit_callbacks(execute=True):
        notices.notify([world.liaison_a], kind=NoticeKind.URGED, title="夜间催办")
    row = Delivery.objects.get()
    assert (row.status, row.due_at) == (DeliveryStatus.QUEUED, at(8, 7))
    assert mail.outbox == []
    assert HUEY.scheduled_count() == 1
    with time_machine.travel(at(8, 6, 59), tick=False):
        assert run_scheduled() == 0
    assert mail.outbox == []
    with time_machine.travel(at(8, 7, 0), tick=False):
        assert run_scheduled() == 1
    [message] = mail.outbox
    assert "夜间催办" in message.subject
    row.refresh_from_db()
    assert (row.status, row.sent_at) == (DeliveryStatus.SENT, at(8, 7))


def test_an_urge_at_10_goes_at_once(world, channels_on, settings, django_capture_on_commit_callbacks):
    settings.LUOSHI_NOTICE_QUIET_HOURS = "22:00-07:00"
    with_email(world.liaison_a, "liaison@example.com")
    with time_machine.travel(at(7, 10), tick=False), django_capture_on_commit_callbacks(execute=True):
        notices.notify([world.liaison_a], kind=NoticeKind.URGED, title="白天催办")
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().sent_at == at(7, 10)


def test_a_retry_falling_into_quiet_hours_waits_for_their_end(world, channels_on, settings):
    settings.LUOSHI_NOTICE_QUIET_HOURS = "22:00-07:00"
    with_email(world.liaison_a, "liaison@example.com")
    notice = notices.notify([world.liaison_a], kind=NoticeKind.URGED, title="催办")[0]
    [row] = delivery.plan([notice.pk], now=at(7, 21, 59))
    assert delivery.deliver(row.pk, now=at(7, 22, 1)) == at(8, 7)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.due_at) == (DeliveryStatus.QUEUED, 0, at(8, 7))
    assert delivery.deliver(row.pk, now=at(8, 7, 1)) is None
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT
    assert delivery.deliver(row.pk) is None  # done: never sent twice
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("spec", "when", "until"),
    [
        ("22:00-07:00", at(7, 23), at(8, 7)),
        ("22:00-07:00", at(7, 2), at(7, 7)),
        ("22:00-07:00", at(7, 22), at(8, 7)),
        ("22:00-07:00", at(7, 7), None),
        ("22:00-07:00", at(7, 21, 59), None),
        ("12:00-14:00", at(7, 13), at(7, 14)),
        ("12:00-14:00", at(7, 14), None),
        ("", at(7, 23), None),
        ("nonsense", at(7, 23), None),
        ("07:00-07:00", at(7, 7), None),
    ],
)
def test_quiet_until(spec, when, until):
    assert quiet_until(when, spec) == until


def test_quiet_hours_read_the_shanghai_wall_clock(settings):
    settings.LUOSHI_NOTICE_QUIET_HOURS = "22:00-07:00"
    utc_evening = dt.datetime(2026, 12, 7, 15, 30, tzinfo=dt.UTC)  # 23:30 in Shanghai
    assert due_time(utc_evening) == at(8, 7)
    assert window() == (dt.time(22), dt.time(7))


def test_the_digest_runs_at_8_in_shanghai():
    # huey hands periodic tasks a naive UTC time: 00:00 UTC is 08:00 in Shanghai.
    assert tasks.daily_digest.task_class().validate_datetime(dt.datetime(2026, 12, 8, 0, 0))
    assert not tasks.daily_digest.task_class().validate_datetime(dt.datetime(2026, 12, 8, 8, 0))
