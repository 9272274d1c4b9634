"""Personal data at rest: SM4-GCM encryption, an HMAC-SM3 blind index for look-ups, and masking."""

from __future__ import annotations

import base64
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

NONCE_BYTES = 12
TAG_BYTES = 16
VERSION = b"\x01"


class DecryptionError(ValueError):
    """The stored value was altered or was encrypted under another key."""


@lru_cache(maxsize=1)
def _keys() -> tuple[bytes, bytes]:
    """(encryption key, index key), both derived from the one configured 32-byte secret."""
    secret = bytes.fromhex(settings.LUOSHI_PII_KEY)
    return secret[:16], secret[16:]


@lru_cache(maxsize=1)
def _sm4() -> algorithms.SM4:
    return algorithms.SM4(_keys()[0])


@lru_cache(maxsize=1)
def _index_mac() -> hmac.HMAC:
    """The keyed HMAC-SM3 before any data: each index starts from a copy of it."""
    return hmac.HMAC(_keys()[1], hashes.SM3())


def encrypt(text: str) -> str:
    """SM4-GCM under a fresh random nonce for every value."""
    if not text:
        return ""
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(_sm4(), modes.GCM(nonce)).encryptor()
    body = encryptor.update(text.encode()) + encryptor.finalize()
    return base64.b64encode(VERSION + nonce + encryptor.tag + body).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    raw = base64.b64decode(token)
    if raw[:1] != VERSION:
        raise DecryptionError("unknown format")
    nonce, tag, body = raw[1 : 1 + NONCE_BYTES], raw[1 + NONCE_BYTES : 1 + NONCE_BYTES + TAG_BYTES], raw[29:]
    decryptor = Cipher(_sm4(), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as exc:
        raise DecryptionError("personal data failed its integrity check") from exc


def blind_index(text: str) -> str:
    """A keyed HMAC-SM3 of a normalised value, so equal values can be found without decrypting."""
    mac = _index_mac().copy()
    mac.update("".join(text.split()).encode())
    return mac.finalize().hex()


def mask_phone(phone: str) -> str:
    """138****1234: keep the first three and last four digits."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_name(name: str) -> str:
    """张** : keep the family name only."""
    return name[:1] + "*" * (len(name) - 1) if name else ""
