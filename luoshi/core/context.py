"""Per-request context (request id, client address) for audit records."""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str
    user_agent: str = ""


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("luoshi_request", default=None)


def current() -> RequestContext | None:
    return _current.get()


def set_current(ctx: RequestContext | None) -> contextvars.Token:
    return _current.set(ctx)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex
