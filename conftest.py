from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from luoshi.testing.world import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Rate limits and the login throttle count in the cache: no test inherits or leaves any count."""
    cache.clear()
    yield
    cache.clear()
