"""Real concurrency for tests: many threads started together, each with its own database connection.

Use inside ``@pytest.mark.django_db(transaction=True)`` after the data is in place. On PostgreSQL the threads race
on the test database itself. SQLite's in-memory test database shares one cache, where a busy writer makes the
others fail at once ("table is locked") instead of waiting as a real SQLite file does; so on SQLite the database is
first copied to a file (WAL journal, busy timeout, as in production) and the threads and ``read`` work on that copy.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django.db import connection, connections
from django.db.utils import load_backend

T = TypeVar("T")

# Threads (and so connections) at once: two test workers racing together stay well inside PostgreSQL's default
# max_connections of 100; more work than this is shared out over the threads.
MAX_THREADS = 32


class SharedDatabase:
    def __init__(self) -> None:
        self.settings: dict[str, Any] | None = None
        if connection.vendor == "sqlite":
            folder = Path(tempfile.mkdtemp(prefix="luoshi-concurrency-"))
            path = folder / "db.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(path)
            connection.connection.backup(target)
            target.close()
            options = {k: v for k, v in connection.settings_dict.get("OPTIONS", {}).items() if k != "uri"}
            self.settings = {**connection.settings_dict, "NAME": str(path), "OPTIONS": options}

    def _connect(self) -> None:
        if self.settings is not None:
            backend = load_backend(self.settings["ENGINE"])
            connections["default"] = backend.DatabaseWrapper(dict(self.settings), "default")

    def run(self, work: Callable[[int], T], count: int) -> list[T]:
        """``work(i)`` for i in 0..count-1 on up to MAX_THREADS threads released at once, each with its own
        connection (thread t does i = t, t + threads, ...); their results in order."""
        width = min(count, MAX_THREADS)
        start = threading.Barrier(width)
        results: list[Any] = [None] * count
        errors: list[BaseException] = []

        def thread(first: int) -> None:
            try:
                self._connect()
                start.wait()
                for i in range(first, count, width):
                    results[i] = work(i)
            except BaseException as exc:  # reported to the test below
                errors.append(exc)
            finally:
                connections["default"].close()

        threads = [threading.Thread(target=thread, args=(t,)) for t in range(width)]
        for one in threads:
            one.start()
        for one in threads:
            one.join()
        if errors:
            raise errors[0]
        return results

    def read(self, work: Callable[[], T]) -> T:
        """Run ``work`` against the database the threads used (to check what they left)."""
        return self.run(lambda _i: work(), 1)[0]
