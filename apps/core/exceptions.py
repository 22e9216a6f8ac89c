"""The base of every domain error. Apps subclass it with a stable UPPER_SNAKE `code`.

The API turns a `StrideError` into `{"code", "message", "fields"?}` with its `status`; pages
show its message. Services raise these; they never raise HTTP exceptions.
"""

from django.utils.translation import gettext_lazy as _


class StrideError(Exception):
    code = "ERROR"
    status = 400
    default_message = _("The request could not be completed.")
    retry_after: int | None = None  # seconds, sent as Retry-After (429, 503)

    def __init__(self, message: str | None = None, *, fields: dict | None = None) -> None:
        self.message = str(message) if message is not None else str(self.default_message)
        self.fields = fields
        super().__init__(self.message)


class NotFound(StrideError):
    code = "NOT_FOUND"
    status = 404
    default_message = _("Not found.")


class PermissionDenied(StrideError):
    code = "PERMISSION_DENIED"
    status = 403
    default_message = _("You do not have permission to do this.")


class Conflict(StrideError):
    code = "CONFLICT"
    status = 409
    default_message = _("This conflicts with the current state; reload and try again.")
