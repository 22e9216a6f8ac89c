"""Uploads as the API and the pages show them: the status, the reason in the reader's language,
and the activity it became (or duplicates)."""

from __future__ import annotations

from django.urls import reverse

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
