"""Uploads as the API and the pages show them: the status, the reason in the reader's language,
and the activity it became (or duplicates)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.devices import providers
from apps.devices.exceptions import failure_message
from apps.devices.models import Upload


def _activity(activity) -> dict | None:
    if activity is None:
        return None
    return {
        "id": activity.pk,
        "title": activity.title,
        "sport": activity.sport,
        "start_time": activity.start_time,
        "url": reverse("training-activity", args=[activity.pk]),
    }


def upload_summary(upload: Upload) -> dict:
    """Needs an upload from `selectors.upload_list` / `upload_get` (counts annotated)."""
    failed = upload.status == Upload.Status.FAILED
    files = None
    if upload.kind == Upload.Kind.ARCHIVE:
        files = {
            "total": upload.files_total,
            "done": upload.files_done,
            "duplicate": upload.files_duplicate,
            "failed": upload.files_failed,
        }
    return {
        "id": upload.pk,
        "name": upload.original_name,
        "kind": upload.kind,
        "size": upload.size,
        "status": upload.status,
        "status_display": upload.get_status_display(),
        "reason": {
            "code": upload.reason_code,
            "message": failure_message(upload.reason_code, upload.reason_detail),
        }
        if failed
        else None,
        "activity": _activity(upload.activity),
        "duplicate_of": _activity(upload.duplicate_of),
        "archive": upload.parent_id,
        "files": files,
        "created": upload.created,
        "finished": upload.finished,
    }


# --- Provider connections -------------------------------------------------------------------

CONNECTION_ERRORS = {
    "INVALID_GRANT": _("The provider no longer accepts Stride's access. Connect it again."),
    "PROVIDER_UNAVAILABLE": _("The provider could not be reached. Stride will try again."),
    "RATE_LIMITED": _("The provider asked Stride to slow down. Stride will try again."),
}


def connection_summary(connection) -> dict:
    """What a person (or the API) sees of a connection: never its tokens."""
    adapter = providers.get(connection.provider)
    code = connection.last_error_code
    return {
        "id": connection.pk,
        "provider": connection.provider,
        "provider_label": adapter.label if adapter else connection.provider,
        "external_id": connection.external_id,
        "status": connection.status,
        "status_display": connection.get_status_display(),
        "scopes": connection.scopes,
        "last_sync_at": connection.last_sync_at,
        "last_error": None
        if not code
        else {
            "code": code,
            "message": str(CONNECTION_ERRORS.get(code, _("The last sync failed."))),
            "at": connection.last_error_at,
        },
        "created": connection.created,
    }
