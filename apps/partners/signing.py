"""Standard Webhooks signatures (https://www.standardwebhooks.com/): `webhook-id`,
`webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.

Secrets are `whsec_<base64 of 24 random bytes>`; the key is the decoded part after the prefix.
During a rotation two secrets are valid: the header then carries two space-separated
signatures, and a receiver accepts the message if any one matches a secret it knows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

PREFIX = "whsec_"
TOLERANCE_S = 5 * 60


class SignatureError(Exception):
    pass


def generate_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: list[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers of a signed message, one signature per valid secret."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, msg_id, timestamp, body) for s in secrets_),
    }


def verify(
    secret: str, headers_: dict, body: bytes, *, now: float | None = None, tolerance=TOLERANCE_S
) -> None:
    """What a receiver does: raise `SignatureError` unless the message is signed and fresh."""
    lower = {k.lower(): v for k, v in headers_.items()}
    msg_id = lower.get("webhook-id")
    stamp = lower.get("webhook-timestamp")
    sent = lower.get("webhook-signature")
    if not msg_id or not stamp or not sent:
        raise SignatureError("missing webhook headers")
    try:
        timestamp = int(stamp)
    except ValueError as exc:
        raise SignatureError("bad timestamp") from exc
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance")
    expected = signature(secret, msg_id, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in sent.split(" ")):
        raise SignatureError("no matching signature")
