"""Why a file could not become an activity. Each error has a stable code (stored on the upload,
sent to API clients) and a message a person understands (translated when shown)."""

from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import StrideError


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
