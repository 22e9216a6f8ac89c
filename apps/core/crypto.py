"""Encryption at rest for sensitive columns, with key rotation.

`FIELD_ENCRYPTION_KEYS` is a list of Fernet keys (cryptography's authenticated AES + HMAC):
the first encrypts, every key decrypts. To rotate: put a new key first, deploy, run
`manage.py rotate_encryption_keys` (re-encrypts every encrypted column with the new key), then
drop the old key. Values are never logged; a value that no key can open raises, never guesses.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Columns an app fills with encrypt() itself (a plain TextField) are found by this suffix, or
# listed here as ("app_label.Model", "field") by the app (its apps.py ready()).
RAW_COLUMN_SUFFIX = "_encrypted"
EXTRA_COLUMNS: set[tuple[str, str]] = set()


def register_encrypted_column(model_label: str, field: str) -> None:
    """Declare a plain text column holding encrypt() tokens, so key rotation reaches it."""
    EXTRA_COLUMNS.add((model_label, field))


def derive_key(secret: str) -> str:
    """A Fernet key from any secret string (local and test defaults only)."""
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()).decode()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must hold at least one key.")
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes)."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("An encrypted value could not be opened with any configured key.") from exc


def rotate(token: str) -> str:
    """Re-encrypt with the first (newest) key."""
    return fernet().rotate(token.encode()).decode()
