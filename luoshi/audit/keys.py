"""The audit keys: the current one signs new records and checkpoints, retired ones still verify old records.

Keys live outside the database: ``LUOSHI_AUDIT_KEY`` (or ``DATA_DIR/audit_key``, generated once) is the
current key; ``LUOSHI_AUDIT_OLD_KEYS`` (comma separated) and ``DATA_DIR/audit_keys_retired`` (one key a
line, ``#`` starts a comment) hold the retired ones. A key is 64 hex digits; its id is a fingerprint of it,
so a key id names a key without revealing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, hmac
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

RETIRED_FILE = "audit_keys_retired"
KEY_SETTINGS = frozenset({"LUOSHI_AUDIT_KEY", "LUOSHI_AUDIT_OLD_KEYS", "DATA_DIR"})


@dataclass(frozen=True)
class AuditKey:
    id: str
    secret: bytes

    def mac(self, data: bytes) -> str:
        """HMAC-SM3 of ``data`` under this key, as hex."""
        h = hmac.HMAC(self.secret, hashes.SM3())
        h.update(data)
        return h.finalize().hex()


def fingerprint(secret: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"luoshi-audit-key-id\x00" + secret)
    return "k" + digest.finalize().hex()[:11]


def parse_key(text: str, source: str) -> AuditKey:
    value = text.strip()
    try:
        secret = bytes.fromhex(value)
    except ValueError:
        secret = b""
    if len(secret) != 32:
        raise ImproperlyConfigured(f"{source}: an audit key is 64 hex digits")
    return AuditKey(fingerprint(secret), secret)


@lru_cache(maxsize=1)
def current_key() -> AuditKey:
    return parse_key(settings.LUOSHI_AUDIT_KEY, "LUOSHI_AUDIT_KEY")


def _retired_lines() -> list[tuple[str, str]]:
    path = Path(settings.DATA_DIR) / RETIRED_FILE
    lines = [(k, "LUOSHI_AUDIT_OLD_KEYS") for k in getattr(settings, "LUOSHI_AUDIT_OLD_KEYS", [])]
    if path.exists():
        for line in path.read_text().splitlines():
            text = line.split("#", 1)[0].strip()
            if text:
                lines.append((text, str(path)))
    return lines


@lru_cache(maxsize=1)
def keyring() -> dict[str, AuditKey]:
    """Every key that may have signed a record, by id; the current one included."""
    keys = {k.id: k for k in (parse_key(text, source) for text, source in _retired_lines())}
    current = current_key()
    keys[current.id] = current
    return keys


def clear_cache(**kwargs: Any) -> None:
    if kwargs.get("setting") in KEY_SETTINGS:
        current_key.cache_clear()
        keyring.cache_clear()


setting_changed.connect(clear_cache)
