"""``luoshi serve`` starts a real gunicorn that answers until the stop signal comes."""

from __future__ import annotations

import io
import signal
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db
BOOT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ask_then_stop(url: str, handlers: dict[int, Callable[..., Any]], answers: list[bytes]) -> None:
    """Wait for the server to answer ``url``, keep the answer, then call the command's SIGTERM handler."""
    deadline = time.monotonic() + BOOT_SECONDS
    while signal.SIGTERM not in handlers and time.monotonic() < deadline:
        time.sleep(0.05)
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - a local http URL
                answers.append(response.read())
            break
        except OSError:
            time.sleep(0.2)
    if signal.SIGTERM in handlers:
        handlers[signal.SIGTERM](signal.SIGTERM, None)


def test_serve_runs_gunicorn_until_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    handlers: dict[int, Callable[..., Any]] = {}
    monkeypatch.setattr(signal, "signal", lambda signum, handler: handlers.__setitem__(signum, handler))
    port, out = free_port(), io.StringIO()
    answers: list[bytes] = []
    prober = threading.Thread(
        target=ask_then_stop, args=(f"http://127.0.0.1:{port}/healthz", handlers, answers), daemon=True
    )
    prober.start()
    call_command("serve", "--port", str(port), "--workers", "1", "--no-worker", stdout=out)
    prober.join(timeout=10)
    assert answers == [b"ok"]
    assert set(handlers) == {signal.SIGTERM, signal.SIGINT}
    assert f"http://127.0.0.1:{port}/" in out.getvalue()
