"""Writes of the file import: take uploads, process each in a Celery job, re-process, and
heal jobs a dead worker left behind. Every workout goes in through
`training.services.record_activity`."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.tasks import TRANSIENT_ERRORS
from apps.devices import archives, parsers, selectors
from apps.devices.exceptions import (
    EmptyFile,
    FileTooLarge,
    ImplausibleActivity,
    ImportCrashed,
    ImportFailed,
    ImportTimedOut,
    UploadNotReprocessable,
)
from apps.devices.models import Upload
from apps.training import services as training_services
from apps.training.exceptions import ActivityInvalid

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


@dataclass
class UploadResult:
    uploads: list[Upload] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)


def _enqueue(upload_ids: list[int], *, archive: bool = False) -> None:
    from apps.devices.tasks import archive_expand_task, upload_process_task

    task = archive_expand_task if archive else upload_process_task

    def send() -> None:
        for upload_id in upload_ids:
            task.delay(upload_id=upload_id)

    transaction.on_commit(send)


def _digest(upload) -> tuple[str, bytes]:
    sha = hashlib.sha256()
    head = b""
    upload.seek(0)
    for chunk in upload.chunks():
        if not head:
            head = chunk[:16]
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest(), head


def upload_file(*, owner, file) -> Upload:
    """Keep one uploaded file (a workout file or an archive) and queue its processing."""
    size = file.size or 0
    if size == 0:
        raise EmptyFile()
    sha, head = _digest(file)
    is_archive = head[:4] == parsers.ZIP_MAGIC
    limit = settings.UPLOAD_ARCHIVE_MAX_BYTES if is_archive else settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise FileTooLarge(_("The file is larger than %(size)s.") % {"size": filesizeformat(limit)})
    name = str(getattr(file, "name", "") or "file")[:255]
    with transaction.atomic():
        upload = Upload(
            owner=owner,
            kind=Upload.Kind.ARCHIVE if is_archive else Upload.Kind.FILE,
            original_name=name,
            size=size,
            sha256=sha,
        )
        upload.file.save(name, file, save=False)
        upload.save()
        _enqueue([upload.pk], archive=is_archive)
    return upload


def upload_files(*, owner, files) -> UploadResult:
    """Keep several uploaded files; the ones refused at once come back with their reason."""
    result = UploadResult()
    for file in files:
        try:
            result.uploads.append(upload_file(owner=owner, file=file))
        except ImportFailed as error:
            result.rejected.append((str(getattr(file, "name", "")), error.message))
    return result


def _finish(upload: Upload, **fields) -> None:
    fields.setdefault("finished", timezone.now())
    Upload.objects.filter(pk=upload.pk).update(**fields)


def _fail(upload: Upload, error: ImportFailed, detail: str = "") -> None:
    _finish(upload, status=Upload.Status.FAILED, reason_code=error.code, reason_detail=detail)


def _claim(upload_id: int) -> Upload | None:
    claimed = Upload.objects.filter(pk=upload_id, status=Upload.Status.QUEUED).update(
        status=Upload.Status.PROCESSING,
        started=timezone.now(),
        attempts=F("attempts") + 1,
        reason_code="",
        reason_detail="",
    )
    if not claimed:
        return None  # done already, or another worker has it
    return Upload.objects.select_related("owner").get(pk=upload_id)


def _read(upload: Upload) -> bytes:
    with upload.file.open("rb") as stored:
        return stored.read(settings.UPLOAD_ARCHIVE_MAX_BYTES + 1)


def _process_file(upload: Upload) -> None:
    activity = parsers.parse_file(_read(upload))
    if upload.sport_hint and upload.sport_hint != "other":
        activity.sport = upload.sport_hint
    if upload.title_hint:
        activity.title = upload.title_hint
    try:
        # One transaction: a worker that dies here leaves neither an activity nor a finished
        # job, so the re-queued job does not find "its own" activity as a duplicate.
        with transaction.atomic():
            recorded = training_services.record_activity(owner=upload.owner, activity=activity)
            if recorded.created:
                _finish(upload, status=Upload.Status.DONE, activity=recorded.activity)
            else:
                _finish(upload, status=Upload.Status.DUPLICATE, duplicate_of=recorded.activity)
    except ActivityInvalid:
        raise ImplausibleActivity() from None


def _process_archive(upload: Upload) -> None:
    stored: list[str] = []
    try:
        with transaction.atomic(), upload.file.open("rb") as stored_archive:
            ids = []
            for entry in archives.workout_files(stored_archive):
                child = Upload(
                    owner=upload.owner,
                    parent=upload,
                    original_name=archives.display_name(entry.name),
                    size=len(entry.data) if entry.data is not None else 0,
                    sha256=hashlib.sha256(entry.data).hexdigest() if entry.data else "",
                    sport_hint=entry.sport,
                    title_hint=entry.title,
                )
                if entry.data is None:
                    child.status = Upload.Status.FAILED
                    child.reason_code = FileTooLarge.code
                else:
                    child.file.save(child.original_name, ContentFile(entry.data), save=False)
                    stored.append(child.file.name)
                child.save()
                if entry.data is not None:
                    ids.append(child.pk)
            _finish(upload, status=Upload.Status.DONE)
            _enqueue(ids)
    except Exception:  # rejected, timed out or crashed: no child row survives, nor its file
        for name in stored:
            upload.file.storage.delete(name)
        raise


def upload_process(*, upload_id: int) -> None:
    """Process one queued upload; whatever happens it ends done, duplicate or failed."""
    upload = _claim(upload_id)
    if upload is None:
        return
    try:
        if upload.kind == Upload.Kind.ARCHIVE:
            _process_archive(upload)
        else:
            _process_file(upload)
    except ImportFailed as error:
        _fail(upload, error, getattr(error, "detail", ""))
    except SoftTimeLimitExceeded:
        _fail(upload, ImportTimedOut())
    except TRANSIENT_ERRORS:
        Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.QUEUED)
        raise  # retried with backoff by the task
    except Exception:
        logger.exception("upload %s crashed", upload.pk)
        _fail(upload, ImportCrashed())


def upload_reprocess(*, upload: Upload) -> Upload:
    """Process a finished file again (after a fix in the importer, or a deleted activity)."""
    with transaction.atomic():
        updated = (
            Upload.objects.filter(
                pk=upload.pk,
                kind=Upload.Kind.FILE,
                status__in=[Upload.Status.DONE, Upload.Status.DUPLICATE, Upload.Status.FAILED],
            )
            .exclude(file="")
            .update(
                status=Upload.Status.QUEUED,
                reason_code="",
                reason_detail="",
                activity=None,
                duplicate_of=None,
                attempts=0,
                started=None,
                finished=None,
            )
        )
        if not updated:
            raise UploadNotReprocessable()
        _enqueue([upload.pk])
    upload.refresh_from_db()
    return upload


def uploads_requeue_stuck() -> int:
    """Uploads left "processing" by a worker that died: queue them again, or fail them after
    the last attempt. Returns how many were touched."""
    before = timezone.now() - timedelta(minutes=settings.UPLOAD_STUCK_MINUTES)
    touched = 0
    for upload in selectors.uploads_stuck(before=before):
        if upload.attempts >= MAX_ATTEMPTS:
            done = Upload.objects.filter(pk=upload.pk, status=Upload.Status.PROCESSING).update(
                status=Upload.Status.FAILED,
                reason_code=ImportTimedOut.code,
                finished=timezone.now(),
            )
        else:
            with transaction.atomic():
                done = Upload.objects.filter(pk=upload.pk, status=Upload.Status.PROCESSING).update(
                    status=Upload.Status.QUEUED
                )
                if done:
                    _enqueue([upload.pk], archive=upload.kind == Upload.Kind.ARCHIVE)
        touched += done
    return touched
