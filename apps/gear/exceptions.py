"""The gear app's errors, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import StrideError


class GearInvalid(StrideError):
    code = "GEAR_INVALID"
    status = 400
    default_message = _("Some fields are not valid.")


class GearNotFound(StrideError):
    code = "NOT_FOUND"
    status = 404
    default_message = _("No such gear.")


class FeedSignatureInvalid(StrideError):
    code = "FEED_SIGNATURE_INVALID"
    status = 401
    default_message = _("The feed request is not signed with a valid key.")


class FeedRequestExpired(StrideError):
    code = "FEED_REQUEST_EXPIRED"
    status = 401
    default_message = _("The feed request is too old or was already received.")


class FeedUnreadable(StrideError):
    code = "FEED_UNREADABLE"
    status = 400
    default_message = _("The feed could not be read.")


class FeedTooLarge(StrideError):
    code = "FEED_TOO_LARGE"
    status = 413
    default_message = _("The feed is too large; send it in parts (full=false).")


class RowRejected(Exception):
    """One feed row that cannot be imported; `reason` goes into the import report."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)
