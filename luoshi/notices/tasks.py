"""The delivery queue (huey): planning after commit, one task per delivery with retries, the daily digest."""

from __future__ import annotations

import logging

from django.conf import settings
from huey.contrib.djhuey import db_periodic_task, db_task

from luoshi.jobs.schedule import local_crontab
from luoshi.notices import delivery
from luoshi.notices.models import Delivery

logger = logging.getLogger(__name__)


class DeliveryRetry(Exception):
    """A delivery failed and has attempts left: huey runs it again after the retry delay."""


@db_task(retries=2)
def dispatch_task(ids: list[int]) -> None:
    """Plan the deliveries of notifications just saved, and queue each."""
    for row in delivery.plan(ids):
        queue(row)


@db_task(
    retries=int(getattr(settings, "LUOSHI_NOTICE_RETRIES", 3)),
    retry_delay=int(getattr(settings, "LUOSHI_NOTICE_RETRY_DELAY", 60)),
)
def deliver_task(pk: int) -> None:
    outcome = delivery.deliver(pk)
    if outcome == delivery.RETRY:
        raise DeliveryRetry(f"delivery {pk}")
    if outcome is not None and not isinstance(outcome, str):
        deliver_task.schedule((pk,), eta=outcome)  # the end of the quiet hours


def queue(row: Delivery) -> None:
    """Queue one delivery for its due time; a queue that is down leaves the row queued and logs it."""
    try:
        deliver_task.schedule((row.pk,), eta=row.due_at)
    except Exception as exc:
        logger.error("delivery %s not queued (%s)", row.pk, type(exc).__name__)


def dispatch_after_commit(ids: list[int]) -> None:
    """Run once the transaction that saved the notifications commits: queue their planning; never raises."""
    try:
        dispatch_task(ids)
    except Exception as exc:  # a channel must never break the inbox or a committed change
        logger.error("deliveries not planned (%s)", type(exc).__name__)


@db_periodic_task(
    local_crontab(minute="0", hour=str(getattr(settings, "LUOSHI_NOTICE_DIGEST_HOUR", 8))), name="notices.digest"
)
def daily_digest() -> None:
    """Every day at 08:00 (Asia/Shanghai): each user's digest of the last day."""
    for row in delivery.collect_digests():
        queue(row)
