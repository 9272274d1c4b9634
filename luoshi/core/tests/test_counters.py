"""Atomic window counters (database and Redis), and no traceback in the log for a refused request (403)."""

from __future__ import annotations

import logging
import os
import uuid
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from luoshi.core import counters
from luoshi.core.models import Counter
from luoshi.testing.concurrency import SharedDatabase
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

CONCURRENT = 100


def _hit_all(name: str) -> list[int]:
    return SharedDatabase().run(lambda _i: counters.hit(name, 3600), CONCURRENT)


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_in_the_database_count_each_exactly_once() -> None:
    counts = _hit_all("test:concurrent")
    assert sorted(counts) == list(range(1, CONCURRENT + 1))
    assert sum(1 for c in counts if c <= 60) == 60


@pytest.fixture
def redis_counters(settings: Any) -> Any:
    import redis

    url = "redis://127.0.0.1:6379/15"
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.LUOSHI_COUNTERS = "redis"
    settings.LUOSHI_COUNTERS_REDIS_URL = url
    settings.LUOSHI_COUNTERS_PREFIX = f"luoshi-test:{uuid.uuid4().hex}:"
    yield client
    for key in client.scan_iter(f"{settings.LUOSHI_COUNTERS_PREFIX}*"):
        client.delete(key)


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_in_redis_count_each_exactly_once(redis_counters: Any) -> None:
    counts = _hit_all("test:concurrent")
    assert sorted(counts) == list(range(1, CONCURRENT + 1))
    assert counters.current("test:concurrent", 3600) == CONCURRENT
    counters.undo("test:concurrent", 3600)
    assert counters.current("test:concurrent", 3600) == CONCURRENT - 1
    assert not Counter.objects.exists()
    assert redis_counters.ttl(next(iter(redis_counters.scan_iter("luoshi-test:*")))) > 3600


@pytest.mark.django_db
def test_undo_current_and_purge_in_the_database() -> None:
    assert [counters.hit("a", 60), counters.hit("a", 60), counters.hit("b", 60)] == [1, 2, 1]
    counters.undo("a", 60)
    counters.undo("b", 60)
    counters.undo("b", 60)
    assert (counters.current("a", 60), counters.current("b", 60), counters.current("c", 60)) == (1, 0, 0)
    Counter.objects.create(name="old", window_start=0, count=3, expires_at=60)
    assert counters.purge_expired() == 1
    assert set(Counter.objects.values_list("name", flat=True)) == {"a", "b"}


@pytest.mark.django_db
def test_an_unreachable_counter_store_refuses_instead_of_letting_through(settings: Any) -> None:
    settings.LUOSHI_COUNTERS = "redis"
    settings.LUOSHI_COUNTERS_REDIS_URL = "redis://127.0.0.1:1/0"
    with pytest.raises(counters.CountersUnavailable):
        counters.hit("x", 60)
    response = Client().post("/public/track/", {"number": "X", "code": "Y"})
    assert response.status_code == 429


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.exc_text]


def test_a_refused_page_and_api_call_log_a_warning_without_a_traceback(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    page = Client()
    verified_login(page, world.liaison_a)
    assert page.get("/accounts/users/").status_code == 403
    api = APIClient()
    api.force_authenticate(world.secadmin)
    assert api.get("/api/v1/problems/").status_code == 403
    warnings = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert _tracebacks(caplog) == []
