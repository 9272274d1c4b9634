"""Public rate limits hold exactly under concurrent requests (atomic counters, luoshi/core/counters.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.testing.concurrency import SharedDatabase
from luoshi.testing.world import build_world

LIMIT, CONCURRENT = 60, 100


@pytest.mark.django_db(transaction=True)
def test_concurrent_tracking_lookups_pass_exactly_the_limit(settings: Any) -> None:
    settings.LUOSHI_PUBLIC_RATE_LIMITS = {"lookup": (LIMIT, 3600)}
    build_world()

    def look_up(i: int) -> int:
        response = Client().post(reverse("public:track"), {"number": f"X{i}", "code": "GUESS"}, REMOTE_ADDR="10.5.5.5")
        return response.status_code

    codes = SharedDatabase().run(look_up, CONCURRENT)
    assert codes.count(404) == LIMIT
    assert codes.count(429) == CONCURRENT - LIMIT
    other = Client().post(reverse("public:track"), {"number": "X", "code": "GUESS"}, REMOTE_ADDR="10.6.6.6")
    assert other.status_code == 404
