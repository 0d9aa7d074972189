"""Device and gateway secrets: stored as SHA-256, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

CHANNEL = "yanglao_alarms"
SERIAL_RE = re.compile(r"^[A-Za-z0-9_-]{3,40}$")


def now_ms() -> int:
    return int(time.time() * 1000)


def hash_secret(secret: str) -> str:
    """Device and gateway secrets are long random tokens: a SHA-256 is enough to store them (the
    same as API tokens), and cheap on every request."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret or ""), stored_hash or "")
