"""Export archives for import tests, made the way an exporting Stride makes them."""

import io
import json
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile


def archive_bytes(parts: dict, *, files: dict | None = None, manifest: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "manifest.json",
            json.dumps(manifest or {"format": "stride-export", "version": 1, "parts": list(parts)}),
        )
        for name, data in parts.items():
            archive.writestr(f"{name}.json", json.dumps(data))
        for arcname, content in (files or {}).items():
            archive.writestr(f"files/{arcname}", content)
    return buffer.getvalue()


def archive_upload(content: bytes, name: str = "stride-data.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/zip")


def minimal_archive() -> SimpleUploadedFile:
    return archive_upload(
        archive_bytes({"accounts": {"user": {"display_name": "Imported"}, "profile": {}}})
    )
