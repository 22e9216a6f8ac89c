"""What the file import holds about a person: each upload (its name, status and the activity it
became) and the original file; each provider connection (never its tokens) with the webhook
events it brought; their erasure, stored files included; and the original files brought back
by an import into another Stride."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from apps.core.personal_data import ArchiveFiles, ExportFile, ExportPart, eraser, exporter, importer
from apps.devices.exceptions import ImportFailed
from apps.devices.models import Connection, Upload, WebhookEvent


@exporter("devices")
def export_uploads(user_id: int) -> ExportPart:
    uploads, files = [], []
    for upload in Upload.objects.filter(owner_id=user_id).order_by("created", "pk"):
        entry = {
            "id": upload.pk,
            "name": upload.original_name,
            "kind": upload.kind,
            "archive": upload.parent_id,
            "size": upload.size,
            "sha256": upload.sha256,
            "status": upload.status,
            "reason": upload.reason_code,
            "activity": upload.activity_id,
            "duplicate_of": upload.duplicate_of_id,
            "sport_hint": upload.sport_hint,
            "title_hint": upload.title_hint,
            "created": upload.created.isoformat(),
        }
        if upload.file:
            arcname = f"devices/uploads/{upload.pk}/{upload.original_name.replace('/', '_')}"
            entry["file"] = f"files/{arcname}"
            files.append(ExportFile(arcname, storage=upload.file.storage, name=upload.file.name))
        uploads.append(entry)
    return ExportPart(data={"uploads": uploads, "connections": _connections(user_id)}, files=files)


# training's sports: a hint from an archive that is not one of them is dropped
SPORT_HINTS = {"run", "trail_run", "walk", "hike", "ride", "swim", "yoga", "strength", "other"}


@importer("devices")
def import_uploads(user_id: int, data, files: ArchiveFiles) -> dict:
    """Each original workout file comes back as an upload, processed again once the import has
    committed: one whose activity the training part brought back is linked to it, one that was
    a second source of a workout joins it again. Bounded like uploads: files up to
    UPLOAD_MAX_BYTES, at most UPLOAD_ARCHIVE_MAX_FILES of them. Archives are not taken (their
    files are in the export one by one), nor a file already here (the same SHA-256), so
    importing twice adds nothing."""
    from django.contrib.auth import get_user_model

    from apps.devices import services

    owner = get_user_model().objects.get(pk=user_id)
    summary = {"uploads": 0, "already_here": 0, "skipped": 0}
    known = set(Upload.objects.filter(owner=owner).values_list("sha256", flat=True))
    entries = data.get("uploads") if isinstance(data, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("kind") != Upload.Kind.FILE:
            continue
        path = entry.get("file")
        if not isinstance(path, str) or not path.startswith("files/"):
            continue  # a file that was not kept (too large in its archive)
        if summary["uploads"] >= settings.UPLOAD_ARCHIVE_MAX_FILES:
            summary["skipped"] += 1
            continue
        raw = files.read(path.removeprefix("files/"), max_bytes=settings.UPLOAD_MAX_BYTES)
        if not raw:
            summary["skipped"] += 1
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if digest in known:
            summary["already_here"] += 1
            continue
        try:
            services.upload_restore(
                owner=owner,
                name=str(entry.get("name") or "file").replace("/", "_"),
                data=raw,
                sport_hint=entry["sport_hint"] if entry.get("sport_hint") in SPORT_HINTS else "",
                title_hint=str(entry.get("title_hint") or ""),
            )
        except ImportFailed:
            summary["skipped"] += 1
            continue
        known.add(digest)
        summary["uploads"] += 1
    return summary


@eraser("devices", order=40)
def erase_uploads(user_id: int) -> None:
    """Uploads and their stored files go; the files only once the rows are gone for good."""
    uploads = Upload.objects.filter(owner_id=user_id)
    names = [name for name in uploads.values_list("file", flat=True) if name]
    uploads.delete()

    def delete_files() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete_files)


def _connections(user_id: int) -> list[dict]:
    """Each connection to a platform (never its tokens) and the notifications it brought."""
    connections = []
    for c in Connection.objects.filter(user_id=user_id).order_by("created", "pk"):
        connections.append(
            {
                "provider": c.provider,
                "account": c.external_id,
                "status": c.status,
                "scopes": c.scopes,
                "last_sync": c.last_sync_at.isoformat() if c.last_sync_at else None,
                "created": c.created.isoformat(),
                "events": [
                    {"kind": e.kind, "object": e.object_id, "status": e.status, "body": e.body}
                    for e in c.events.order_by("created", "pk")
                ],
            }
        )
    return connections


@eraser("devices_connections", order=39)
def erase_connections(user_id: int) -> None:
    """Connections go (access revoked at the provider first) with their stored events."""
    from apps.devices import services

    for connection in Connection.objects.filter(user_id=user_id, status="active"):
        services.connection_disconnect(connection=connection)
    WebhookEvent.objects.filter(connection__user_id=user_id).delete()
    Connection.objects.filter(user_id=user_id).delete()
