"""One error shape for the whole API: `{"code", "message", "fields"?}`.

`code` is stable UPPER_SNAKE for clients to branch on; `message` is translated into the
caller's language; `fields` maps a field name to its messages for validation errors.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from apps.core.exceptions import StrideError

_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.ParseError: "MALFORMED_REQUEST",
    exceptions.AuthenticationFailed: "AUTHENTICATION_FAILED",
    exceptions.NotAuthenticated: "NOT_AUTHENTICATED",
    exceptions.PermissionDenied: "PERMISSION_DENIED",
    exceptions.NotFound: "NOT_FOUND",
    exceptions.MethodNotAllowed: "METHOD_NOT_ALLOWED",
    exceptions.NotAcceptable: "NOT_ACCEPTABLE",
    exceptions.UnsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
    exceptions.Throttled: "RATE_LIMITED",
    exceptions.ValidationError: "VALIDATION_ERROR",
}


def _messages(detail) -> list[str] | dict:
    if isinstance(detail, dict):
        return {key: _messages(value) for key, value in detail.items()}
    if isinstance(detail, list):
        flat: list[str] = []
        for item in detail:
            value = _messages(item)
            if isinstance(value, list):
                flat.extend(value)
            else:
                return [_messages(i) for i in detail]  # nested objects in a list
        return flat
    return [str(detail)]


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return body


def _validation_body(detail) -> dict:
    if isinstance(detail, dict):
        fields = _messages(detail)
        non_field = fields.pop("non_field_errors", None) if isinstance(fields, dict) else None
        message = " ".join(non_field) if non_field else _("Some fields are not valid.")
        return error_body("VALIDATION_ERROR", message, fields or None)
    messages = _messages(detail)
    return error_body("VALIDATION_ERROR", " ".join(messages) or _("The request is not valid."))


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every handled error leaves in the common shape."""
    headers: dict[str, str] = {}
    if isinstance(exc, StrideError):
        if exc.retry_after:
            headers["Retry-After"] = str(exc.retry_after)
        return Response(
            error_body(exc.code, exc.message, exc.fields), status=exc.status, headers=headers
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail=detail)
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: let Django log it and answer 500

    if isinstance(exc, exceptions.ValidationError):
        body = _validation_body(exc.detail)
    else:
        code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), None)
        if code is None:
            code = str(getattr(exc, "default_code", "error")).upper()
        message = str(exc.detail) if not isinstance(exc.detail, list | dict) else exc.default_detail
        if isinstance(exc, exceptions.Throttled):
            wait = int(exc.wait or 1)
            headers["Retry-After"] = str(wait)
            message = _("Too many requests. Try again in %(seconds)d seconds.") % {"seconds": wait}
        body = error_body(code, str(message))

    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    return Response(body, status=exc.status_code, headers=headers)
