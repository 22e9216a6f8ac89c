"""`Idempotency-Key` for POST endpoints a client may retry.

Decorate a view method with `@idempotent`. The same key with the same body replays the stored
response (header `Idempotent-Replayed: true`) without running the view again; the same key with
another body is a 422; a key whose first request is still running is a 409. Keys are scoped
per user (or per `request.idempotency_scope` when a permission sets one), kept for
`IDEMPOTENCY_KEY_TTL`, and 5xx answers are not stored (the client may retry).
"""

import functools
import hashlib
import json
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from apps.core.exceptions import StrideError
from apps.core.models import IdempotencyRecord, user_scope

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Answers that depend on the moment rather than the request are not replayed.
_NOT_STORED = {409, 429}

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique value per logical request (a UUID). Retrying with the same key and body "
        "returns the first response; the same key with a different body is a 422."
    ),
)


class IdempotencyKeyInvalid(StrideError):
    code = "IDEMPOTENCY_KEY_INVALID"
    status = 400
    default_message = _("The Idempotency-Key header must be 1 to 255 visible ASCII characters.")


class IdempotencyKeyReused(StrideError):
    code = "IDEMPOTENCY_KEY_REUSED"
    status = 422
    default_message = _(
        "This Idempotency-Key was already used for a different request. "
        "Use a new key for a new request."
    )


class IdempotencyRequestInProgress(StrideError):
    code = "IDEMPOTENCY_REQUEST_IN_PROGRESS"
    status = 409
    default_message = _("A request with this Idempotency-Key is still being processed.")


def _canonical(value):
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if hasattr(value, "lists"):  # QueryDict / MultiValueDict
        return {k: [_canonical(v) for v in vs] for k, vs in value.lists()}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def fingerprint(request) -> str:
    payload = json.dumps(
        {"method": request.method, "path": request.path, "data": _canonical(request.data)},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and all(33 <= ord(c) <= 126 for c in key)


def _claim(scope: str, key: str, fp: str) -> IdempotencyRecord | None:
    """Insert the in-progress record; return the existing one if the key is taken."""
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                scope=scope, key=key, fingerprint=fp, state=IdempotencyRecord.State.IN_PROGRESS
            )
        return None
    except IntegrityError:
        existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if existing is None:  # purged between the insert and the read: claim again
            return _claim(scope, key, fp)
        if existing.created < timezone.now() - settings.IDEMPOTENCY_KEY_TTL:
            existing.delete()
            return _claim(scope, key, fp)
        return existing


def idempotent(view_method):
    """Make a DRF view method replay-safe under an `Idempotency-Key` header."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view_method(self, request, *args, **kwargs)
        if not _valid_key(key):
            raise IdempotencyKeyInvalid()
        # A view's permission may narrow the scope (partners: per user and OAuth client).
        scope = getattr(request, "idempotency_scope", None) or user_scope(request.user)
        fp = fingerprint(request)
        existing = _claim(scope, key, fp)
        if existing is not None:
            if existing.fingerprint != fp:
                raise IdempotencyKeyReused()
            if existing.state != IdempotencyRecord.State.DONE:
                raise IdempotencyRequestInProgress()
            replay = Response(
                json.loads(bytes(existing.response_body)) if existing.response_body else None,
                status=existing.response_status,
            )
            replay["Idempotent-Replayed"] = "true"
            return replay

        records = IdempotencyRecord.objects.filter(scope=scope, key=key)
        try:
            response = view_method(self, request, *args, **kwargs)
        except BaseException:
            records.delete()
            raise
        if response.status_code >= 500 or response.status_code in _NOT_STORED:
            records.delete()
            return response
        body = (
            json.dumps(response.data, default=str).encode() if response.data is not None else None
        )
        records.update(
            state=IdempotencyRecord.State.DONE,
            response_status=response.status_code,
            response_body=body,
        )
        return response

    return wrapper
