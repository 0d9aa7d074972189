"""Protection of personal information (PIPL 敏感个人信息): identity and phone numbers.

Stored as AES-256-GCM ciphertext plus an HMAC-SHA256 keyed hash for exact look-up. Both keys are
derived from YANGLAO_PII_KEY, which comes from the environment and never from the repository.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_VERSION = b"v1"


@lru_cache(maxsize=4)
def _keys(master_b64: str) -> tuple[bytes, bytes]:
    master = base64.urlsafe_b64decode(master_b64)
    enc = hmac.new(master, b"yanglao-pii-encrypt", hashlib.sha256).digest()
    mac = hmac.new(master, b"yanglao-pii-lookup", hashlib.sha256).digest()
    return enc, mac


def _enc_key() -> bytes:
    return _keys(settings.YANGLAO_PII_KEY)[0]


def _mac_key() -> bytes:
    return _keys(settings.YANGLAO_PII_KEY)[1]


def encrypt(value: str) -> str:
    nonce = os.urandom(12)
    ct = AESGCM(_enc_key()).encrypt(nonce, value.encode(), _VERSION)
    return (_VERSION + b":" + base64.urlsafe_b64encode(nonce + ct)).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    version, _, body = token.encode().partition(b":")
    raw = base64.urlsafe_b64decode(body)
    return AESGCM(_enc_key()).decrypt(raw[:12], raw[12:], version).decode()


def lookup_hash(value: str) -> str:
    """Keyed hash for exact matching (same value → same hash; useless without the key)."""
    return hmac.new(_mac_key(), value.encode(), hashlib.sha256).hexdigest()


def protect(value: str | None) -> tuple[str, str]:
    """(ciphertext, lookup hash); empty strings for an absent value."""
    if not value:
        return "", ""
    return encrypt(value), lookup_hash(value)


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()
