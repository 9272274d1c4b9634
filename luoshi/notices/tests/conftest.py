"""Channel tests: a local HTTP receiver, every channel switched on, huey's in-memory schedule emptied."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from huey.contrib.djhuey import HUEY


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class Receiver:
    """A webhook / SMS gateway on 127.0.0.1 that records what it is sent and answers ``status``."""

    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    status: int = 200
    answer: dict[str, Any] = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            me = holder["receiver"]
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            parts = urlsplit(self.path)
            me.requests.append(Received(parts.path, parse_qs(parts.query), dict(self.headers), json.loads(raw)))
            body = json.dumps(me.answer).encode()
            self.send_response(me.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["receiver"] = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield holder["receiver"]
    server.shutdown()
    server.server_close()


def closed_port_url() -> str:
    """An address where nothing listens: connecting is refused."""
    import socket

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"http://127.0.0.1:{port}/refused"


@pytest.fixture(autouse=True)
def empty_schedule() -> Iterator[None]:
    HUEY.storage.flush_all()
    yield
    HUEY.storage.flush_all()


def run_scheduled(until: dt.datetime | None = None) -> int:
    """Run what huey holds in its schedule with an ETA up to ``until`` (naive UTC; default: now), as the
    consumer would, again and again until nothing is due (retries go back on the schedule). How many ran."""
    ran = 0
    for _round in range(20):
        stamp = until or dt.datetime.now(dt.UTC).replace(tzinfo=None)
        due = HUEY.read_schedule(stamp)
        if not due:
            return ran
        for task in due:
            HUEY.execute(task, stamp)
            ran += 1
    return ran


FAR_FUTURE = dt.datetime(2099, 1, 1)


@pytest.fixture
def channels_on(settings: Any, receiver: Receiver) -> Receiver:
    """E-mail (locmem), SMS through the HTTP provider, both default group robots, no quiet hours, to the receiver."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LUOSHI_NOTICE_EMAIL = True
    settings.LUOSHI_NOTICE_SMS_PROVIDER = "luoshi.notices.channels.HttpSmsProvider"
    settings.LUOSHI_NOTICE_SMS_URL = f"{receiver.url}/sms"
    settings.LUOSHI_NOTICE_SMS_TOKEN = "sms-token"
    settings.LUOSHI_NOTICE_GROUP_ROBOTS = True
    settings.LUOSHI_NOTICE_WECOM_WEBHOOK = ""
    settings.LUOSHI_NOTICE_DINGTALK_WEBHOOK = ""
    settings.LUOSHI_NOTICE_QUIET_HOURS = ""
    settings.LUOSHI_NOTICE_SITE_URL = "https://luoshi.example"
    settings.LUOSHI_NOTICE_HTTP_TIMEOUT = 2
    return receiver
