"""Atomic counters over fixed time windows, shared by every worker process: rate limits and the login throttle.

``hit(name, window)`` adds one to the current window of ``name`` and returns the count after this hit, in one
atomic step, so that N concurrent requests see the counts 1..N and a limit holds exactly.

* ``LUOSHI_COUNTERS=database`` (default): one row a window in ``core.Counter``, incremented by a single
  ``INSERT … ON CONFLICT … DO UPDATE SET count = count + 1 RETURNING count`` (PostgreSQL, SQLite ≥ 3.35).
  Old windows are purged now and then by ``hit`` itself (``purge_expired``).
* ``LUOSHI_COUNTERS=redis``: ``INCR`` and ``EXPIRE`` in one MULTI on ``LUOSHI_COUNTERS_REDIS_URL``
  (default ``REDIS_URL``), keys under ``LUOSHI_COUNTERS_PREFIX``.

When the store stays busy (SQLite locked after its retries, Redis down) ``CountersUnavailable`` is raised:
callers refuse the request (fail closed) instead of letting it through or answering 500.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection, transaction

from luoshi.core.models import Counter

T = TypeVar("T")
PURGE_ONE_IN = 100
SQLITE_RETRIES = 200
UPSERT = (
    "INSERT INTO core_counter (name, window_start, count, expires_at) VALUES (%s, %s, 1, %s) "
    "ON CONFLICT (name, window_start) DO UPDATE SET count = core_counter.count + 1 RETURNING count"
)
UNDO = "UPDATE core_counter SET count = count - 1 WHERE name = %s AND window_start = %s AND count > 0"
PURGE = "DELETE FROM core_counter WHERE expires_at < %s"
REDIS_UNDO = "if tonumber(redis.call('get', KEYS[1]) or '0') > 0 then return redis.call('decr', KEYS[1]) end return 0"


class CountersUnavailable(Exception):
    """The counter store could not be reached or stayed locked: count the request as over its limit."""


def _window_start(window: int) -> int:
    return int(time.time()) // window * window


def _backend() -> str:
    return str(getattr(settings, "LUOSHI_COUNTERS", "database"))


@cache
def _redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


def _on_redis(work: Callable[[Any], T]) -> T:
    """``work(client)``, tried twice: a connection that broke while it opened is dropped by the pool, so the
    second try takes a fresh one; ``CountersUnavailable`` when both fail."""
    client = _redis_client(settings.LUOSHI_COUNTERS_REDIS_URL)
    try:
        return work(client)
    except Exception:  # redis.RedisError and socket errors alike
        try:
            return work(client)
        except Exception as exc:
            raise CountersUnavailable(str(exc)) from exc


def _incr(key: str, seconds: int) -> Callable[[Any], int]:
    def work(client: Any) -> int:
        pipe = client.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, seconds)
        count, _ok = pipe.execute()
        return int(count)

    return work


def _redis_key(name: str, start: int) -> str:
    return f"{settings.LUOSHI_COUNTERS_PREFIX}{name}:{start}"


def _in_database(sql: str, params: list[Any]) -> Any:
    """Run one statement in its own (sub)transaction; on SQLite wait and retry while another writer holds the lock."""
    for _attempt in range(SQLITE_RETRIES):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone() if cursor.description else cursor.rowcount
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc) or connection.in_atomic_block:
                raise CountersUnavailable(str(exc)) from exc
            time.sleep(0.005 + secrets.randbelow(10) / 1000)
        except DatabaseError as exc:
            raise CountersUnavailable(str(exc)) from exc
    raise CountersUnavailable("the counter table stayed locked")


def hit(name: str, window: int) -> int:
    """Count one more event of ``name`` in the current ``window`` (seconds); the count after this hit."""
    start = _window_start(window)
    if _backend() == "redis":
        return _on_redis(_incr(_redis_key(name, start), window + 60))
    if secrets.randbelow(PURGE_ONE_IN) == 0:
        purge_expired()
    row = _in_database(UPSERT, [name[:200], start, start + window])
    return int(row[0])


def undo(name: str, window: int) -> None:
    """Take back one hit of the current window (an attempt that turned out not to count)."""
    start = _window_start(window)
    if _backend() == "redis":
        _on_redis(lambda client: client.eval(REDIS_UNDO, 1, _redis_key(name, start)))
        return
    _in_database(UNDO, [name[:200], start])


def current(name: str, window: int) -> int:
    """The count of ``name`` in the current window, without counting."""
    start = _window_start(window)
    if _backend() == "redis":
        return int(_on_redis(lambda client: client.get(_redis_key(name, start))) or 0)
    found = Counter.objects.filter(name=name[:200], window_start=start).values_list("count", flat=True).first()
    return int(found or 0)


def purge_expired() -> int:
    """Delete the database rows of windows that have ended; returns how many went."""
    return int(_in_database(PURGE, [int(time.time())]))
