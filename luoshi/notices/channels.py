"""The channels out of the inbox: e-mail (Django's mail backend), WeCom and DingTalk group robots (webhook JSON),
SMS through a provider named by a setting. Each sender raises ``ChannelError`` with a message free of personal
data (no address, number, webhook key or body) when the message did not go out."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from luoshi.core.crypto import mask_phone

logger = logging.getLogger(__name__)


class ChannelError(Exception):
    """A message did not go out; ``str(exc)`` is safe to log and store (no personal data)."""


def _timeout() -> float:
    return float(getattr(settings, "LUOSHI_NOTICE_HTTP_TIMEOUT", 5))


def post_json(url: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    """POST ``payload`` as JSON; the answer's JSON (``{}`` when it is not JSON). Only http(s) addresses."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ChannelError("not an http(s) address")
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=_timeout()) as answer:  # noqa: S310
            body = answer.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason if isinstance(exc.reason, str) else type(exc.reason).__name__
        raise ChannelError(f"connection failed ({reason})"[:200]) from None
    except (TimeoutError, OSError) as exc:
        raise ChannelError(f"connection failed ({type(exc).__name__})") from None
    try:
        found = json.loads(body or b"{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _robot_answer(answer: dict[str, Any]) -> None:
    """WeCom and DingTalk both answer ``{"errcode": 0, "errmsg": "ok"}``; anything else is a refusal."""
    code = answer.get("errcode", 0)
    if code not in (0, "0"):
        raise ChannelError(f"robot refused (errcode {str(code)[:20]})")


# --- e-mail ----------------------------------------------------------------------------------------


def send_email(address: str, subject: str, text: str) -> None:
    try:
        sent = EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [address]).send()
    except Exception as exc:
        raise ChannelError(f"mail backend failed ({type(exc).__name__})") from None
    if not sent:
        raise ChannelError("mail backend sent nothing")


def mask_email(address: str) -> str:
    """z***@example.com"""
    name, _at, domain = address.partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"


# --- group robots ----------------------------------------------------------------------------------


def mask_webhook(url: str) -> str:
    """The host only: the webhook's key is a credential."""
    return (urllib.parse.urlsplit(url).hostname or "?")[:200]


def post_wecom(url: str, content: str) -> None:
    """企业微信群机器人: ``{"msgtype": "markdown", "markdown": {"content": …}}`` to the robot's webhook."""
    _robot_answer(post_json(url, {"msgtype": "markdown", "markdown": {"content": content}}))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉加签: urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")))."""
    text = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), text, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def dingtalk_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """The webhook with ``timestamp`` and ``sign`` added when a secret is configured."""
    if not secret:
        return url
    stamp = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    joiner = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{joiner}timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}"


def post_dingtalk(url: str, secret: str, title: str, content: str) -> None:
    """钉钉群机器人: ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``, signed when a secret is set."""
    payload = {"msgtype": "markdown", "markdown": {"title": title, "text": content}}
    _robot_answer(post_json(dingtalk_url(url, secret), payload))


# --- SMS -------------------------------------------------------------------------------------------


@runtime_checkable
class SmsProvider(Protocol):
    """An SMS gateway adapter, named by ``LUOSHI_NOTICE_SMS_PROVIDER`` (a dotted path to the class)."""

    def send(self, phone: str, text: str) -> None:
        """Send ``text`` to ``phone``; raise ``ChannelError`` (no personal data in it) when it did not go out."""
        ...


class HttpSmsProvider:
    """A generic gateway: POSTs ``{"phone": …, "text": …}`` as JSON to ``LUOSHI_NOTICE_SMS_URL``, with
    ``Authorization: Bearer LUOSHI_NOTICE_SMS_TOKEN`` when a token is set. Any 2xx answer is success."""

    def send(self, phone: str, text: str) -> None:
        url = getattr(settings, "LUOSHI_NOTICE_SMS_URL", "")
        if not url:
            raise ChannelError("LUOSHI_NOTICE_SMS_URL is not set")
        token = getattr(settings, "LUOSHI_NOTICE_SMS_TOKEN", "")
        post_json(url, {"phone": phone, "text": text}, {"Authorization": f"Bearer {token}"} if token else None)


class ConsoleSmsProvider:
    """For development: logs that a message would go out, with the number masked and without the text."""

    def send(self, phone: str, text: str) -> None:
        logger.info("sms to %s (%d characters), not sent: console provider", mask_phone(phone), len(text))


def sms_provider() -> SmsProvider | None:
    """The configured provider, or None when SMS is off (no provider named)."""
    path = getattr(settings, "LUOSHI_NOTICE_SMS_PROVIDER", "")
    if not path:
        return None
    provider = import_string(path)()
    if not isinstance(provider, SmsProvider):
        raise ChannelError("the SMS provider has no send(phone, text)")
    return provider
