import base64

import pytest
from cryptography.hazmat.primitives import hashes, hmac
from django.conf import settings

from luoshi.core import crypto


def test_encrypt_round_trips_with_a_fresh_nonce_each_time() -> None:
    first, second = crypto.encrypt("13800001234"), crypto.encrypt("13800001234")
    assert first != second
    assert base64.b64decode(first)[1:13] != base64.b64decode(second)[1:13]
    assert crypto.decrypt(first) == crypto.decrypt(second) == "13800001234"


def test_altered_ciphertext_fails_its_integrity_check() -> None:
    raw = bytearray(base64.b64decode(crypto.encrypt("张三")))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(base64.b64encode(bytes(raw)).decode())


def test_blind_index_is_the_keyed_hmac_sm3_of_the_normalised_value() -> None:
    mac = hmac.HMAC(bytes.fromhex(settings.LUOSHI_PII_KEY)[16:], hashes.SM3())
    mac.update(b"13800001234")
    expected = mac.finalize().hex()
    assert crypto.blind_index("138 0000 1234") == expected
    assert crypto.blind_index("13800001234") == expected
    assert crypto.blind_index("13800001235") != expected
