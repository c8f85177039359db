"""Time-based one-time passwords (RFC 6238, the codes of authenticator apps), from the standard
library: HMAC-SHA1, 30-second steps, 6 digits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
#: Codes one step either side of now are accepted: phone clocks drift.
WINDOW = 1


def secret_new() -> str:
    """A fresh 160-bit secret, base32 as authenticator apps expect it."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def _code(secret: str, step: int) -> str:
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def step_at(moment: float) -> int:
    return int(moment // STEP_SECONDS)


def code_at(secret: str, moment: float) -> str:
    """The code an authenticator app shows at ``moment`` (seconds since the epoch)."""
    return _code(secret, step_at(moment))


def matching_step(secret: str, code: str, *, moment: float | None = None) -> int | None:
    """The time step whose code ``code`` is (within the window), or ``None``."""
    cleaned = code.replace(" ", "").strip()
    if len(cleaned) != DIGITS or not cleaned.isdigit():
        return None
    now = step_at(time.time() if moment is None else moment)
    for step in range(now - WINDOW, now + WINDOW + 1):
        if hmac.compare_digest(_code(secret, step), cleaned):
            return step
    return None


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app takes (typed or pasted)."""
    label = quote(f"{issuer}:{account}")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"
