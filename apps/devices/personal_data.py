"""What the file import holds about a person: each upload (its name, status and the activity it
became) and the original file; each provider connection (never its tokens) with the webhook
events it brought; and their erasure, stored files included."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction

from apps.core.personal_data import ExportFile, ExportPart, eraser, exporter
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
            "created": upload.created.isoformat(),
        }
        if upload.file:
            arcname = f"devices/uploads/{upload.pk}/{upload.original_name.replace('/', '_')}"
            entry["file"] = f"files/{arcname}"
            files.append(ExportFile(arcname, storage=upload.file.storage, name=upload.file.name))
        uploads.append(entry)
    return ExportPart(data={"uploads": uploads, "connections": _connections(user_id)}, files=files)


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
