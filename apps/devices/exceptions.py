"""Why a file could not become an activity. Each error has a stable code (stored on the upload,
sent to API clients) and a message a person understands (translated when shown)."""

from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import PermissionDenied, StrideError


class ImportFailed(StrideError):
    """A file that cannot be imported; `code` is stored on its upload."""

    code = "IMPORT_FAILED"
    status = 400
    default_message = _("The file could not be imported.")
    detail = ""  # stored beside the code where the message needs it


class UnreadableFile(ImportFailed):
    code = "UNREADABLE_FILE"
    default_message = _(
        "The file is damaged or is not a FIT, GPX or TCX file, so it could not be read."
    )


class UnsupportedFile(ImportFailed):
    code = "UNSUPPORTED_FILE"
    default_message = _(
        "This kind of file is not supported. Upload FIT, GPX or TCX files (also gzipped), "
        "or a Strava or Garmin export archive (.zip)."
    )


class NoActivityInFile(ImportFailed):
    code = "NO_ACTIVITY"
    default_message = _("The file holds no workout.")


class FileTooLarge(ImportFailed):
    code = "FILE_TOO_LARGE"
    status = 413
    default_message = _("The file is too large.")


class EmptyFile(ImportFailed):
    code = "EMPTY_FILE"
    default_message = _("The file is empty.")


class ArchiveRejected(ImportFailed):
    code = "ARCHIVE_REJECTED"
    default_message = _("The archive could not be opened or is too large when unpacked.")


class ImplausibleActivity(ImportFailed):
    code = "IMPLAUSIBLE_ACTIVITY"
    default_message = _(
        "The workout in the file is not plausible (for example its times or "
        "figures are impossible), so it was not recorded."
    )


class ImportTimedOut(ImportFailed):
    code = "TIMED_OUT"
    default_message = _("Reading the file took too long.")


class ImportCrashed(ImportFailed):
    code = "INTERNAL_ERROR"
    default_message = _(
        "Something went wrong on our side while reading the file. You can try again later."
    )


class UploadNotReprocessable(StrideError):
    code = "UPLOAD_NOT_REPROCESSABLE"
    status = 409
    default_message = _("This upload is still being processed or is an archive.")


FAILURES: dict[str, type[ImportFailed]] = {
    cls.code: cls
    for cls in (
        ImportFailed,
        UnreadableFile,
        UnsupportedFile,
        NoActivityInFile,
        FileTooLarge,
        EmptyFile,
        ArchiveRejected,
        ImplausibleActivity,
        ImportTimedOut,
        ImportCrashed,
    )
}


# What a file without a workout holds, for the "no workout" message.
FILE_KINDS = {
    "settings": _("it holds device settings"),
    "weight": _("it holds weight scale readings"),
    "workout": _("it is a workout plan to follow, not a recorded workout"),
    "course": _("it is a course (a route), not a recorded workout"),
    "monitoring": _("it holds daily monitoring data"),
    "empty": _("it holds no recorded samples"),
}


def no_activity(kind: str) -> NoActivityInFile:
    """A `NoActivityInFile` that says what the file holds instead."""
    what = FILE_KINDS.get(kind)
    if what is None:
        return NoActivityInFile()
    error = NoActivityInFile(_("The file holds no recorded workout: %(what)s.") % {"what": what})
    error.detail = kind
    return error


def failure_message(code: str, detail: str = "") -> str:
    """The message for a stored failure code, in the current language."""
    if code == NoActivityInFile.code and detail in FILE_KINDS:
        return no_activity(detail).message
    return str(FAILURES.get(code, ImportFailed).default_message)


# --- Provider connections and webhooks ------------------------------------------------------


class ProviderUnknown(StrideError):
    code = "PROVIDER_UNKNOWN"
    status = 404
    default_message = _("This provider is not available here.")


class OAuthStateInvalid(StrideError):
    code = "OAUTH_STATE_INVALID"
    status = 400
    default_message = _(
        "This connection attempt has expired or was started elsewhere. Start connecting again."
    )


class OAuthCodeRefused(StrideError):
    code = "OAUTH_CODE_REFUSED"
    status = 400
    default_message = _(
        "The provider did not accept the authorization. Start connecting again and allow access."
    )


class ProviderAccountTaken(StrideError):
    code = "PROVIDER_ACCOUNT_TAKEN"
    status = 409
    default_message = _(
        "This account at the provider is already connected to another Stride account. "
        "Disconnect it there first."
    )


class ProviderDown(StrideError):
    code = "PROVIDER_DOWN"
    status = 503
    retry_after = 60
    default_message = _("The provider cannot be reached right now. Try again in a minute.")


class ConnectionInactive(StrideError):
    code = "CONNECTION_INACTIVE"
    status = 409
    default_message = _("This connection is not active. Connect the provider again.")


class WebhookRefused(StrideError):
    code = "WEBHOOK_SIGNATURE_INVALID"
    status = 401
    default_message = _("The webhook signature is missing or wrong.")


class WebhookMalformed(StrideError):
    code = "WEBHOOK_MALFORMED"
    status = 400
    default_message = _("The webhook body could not be read.")


class WebhookTooLarge(StrideError):
    code = "WEBHOOK_TOO_LARGE"
    status = 413
    default_message = _("The webhook body is too large.")


class OAuthStateForeign(PermissionDenied):
    """A `state` minted for another Stride account (a link passed on, or an attack)."""

    default_message = _("This connection attempt was started by another account.")
