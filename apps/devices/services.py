"""Writes of the file import: take uploads, process each in a Celery job, re-process, and
heal jobs a dead worker left behind. Every workout goes in through
`training.services.record_activity`."""

from __future__ import annotations

import hashlib
import logging
import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.tasks import TRANSIENT_ERRORS, bounded_countdown
from apps.devices import archives, parsers, providers, selectors
from apps.devices.exceptions import (
    ConnectionInactive,
    EmptyFile,
    FileTooLarge,
    ImplausibleActivity,
    ImportCrashed,
    ImportFailed,
    ImportTimedOut,
    OAuthCodeRefused,
    OAuthStateForeign,
    OAuthStateInvalid,
    ProviderAccountTaken,
    ProviderDown,
    ProviderUnknown,
    UnsupportedFile,
    UploadNotReprocessable,
    WebhookMalformed,
    WebhookRefused,
    WebhookTooLarge,
)
from apps.devices.metrics import EVENT_LAG, WEBHOOK_FAILURES
from apps.devices.models import Connection, Upload, WebhookEvent
from apps.devices.providers.base import (
    KIND_ATHLETE_DELETE,
    KIND_CREATE,
    KIND_DEAUTHORIZE,
    KIND_DELETE,
    KIND_IGNORE,
    KIND_SYNC,
    KIND_UPDATE,
    InvalidGrant,
    Listing,
    NotReady,
    ObjectGone,
    ParsedEvent,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
    SignatureInvalid,
    pkce_pair,
)
from apps.devices.providers.sandbox import SandboxProvider
from apps.training import selectors as training_selectors
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


def upload_restore(
    *, owner, name: str, data: bytes, sport_hint: str = "", title_hint: str = ""
) -> Upload:
    """Keep a workout file brought back by an import from another Stride, and queue its
    processing (after the import commits, so it finds the activities the import brought)."""
    if not data:
        raise EmptyFile()
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise FileTooLarge()
    if data[:4] == parsers.ZIP_MAGIC:
        raise UnsupportedFile()  # an archive: its files are in the export one by one
    name = name[:255] or "file"
    upload = Upload(
        owner=owner,
        kind=Upload.Kind.FILE,
        original_name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        sport_hint=sport_hint[:16],
        title_hint=title_hint[:120],
    )
    upload.file.save(name, ContentFile(data), save=False)
    upload.save()
    _enqueue([upload.pk])
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
            if recorded.created or _restores(upload, recorded):
                _finish(upload, status=Upload.Status.DONE, activity=recorded.activity)
            else:  # the same file again, or another source of a workout already here
                _finish(upload, status=Upload.Status.DUPLICATE, duplicate_of=recorded.activity)
    except ActivityInvalid:
        raise ImplausibleActivity() from None


def _restores(upload: Upload, recorded) -> bool:
    """An activity already holding this file's source, but no upload of it: the activity came
    back by an import from another Stride, and this is its original file coming back too."""
    return (
        not recorded.source_added
        and not Upload.objects.filter(
            owner=upload.owner_id, activity=recorded.activity, status=Upload.Status.DONE
        )
        .exclude(pk=upload.pk)
        .exists()
    )


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


# --- Provider connections -------------------------------------------------------------------
# Connecting: `connection_authorize` starts (a signed `state` bound to the person, a one-time
# nonce with the PKCE verifier kept server-side), `connection_complete` finishes at the
# callback. Tokens are stored encrypted and refreshed single-flight (a row lock): two workers
# never both spend a rotating refresh token.

STATE_SALT = "devices.oauth.state"
STATE_TTL_S = 600
TOKEN_LEEWAY = timedelta(minutes=2)


@dataclass
class AuthorizeStart:
    url: str
    state: str


def _adapter(name: str) -> providers.Provider:
    adapter = providers.get(name)
    if adapter is None or not adapter.enabled():
        raise ProviderUnknown()
    return adapter


def _state_key(nonce: str) -> str:
    return f"devices:oauth:{nonce}"


def connection_authorize(*, user, provider: str, redirect_uri: str) -> AuthorizeStart:
    """Start connecting `provider`: the URL of its consent page and the `state` it returns."""
    adapter = _adapter(provider)
    nonce = secrets.token_urlsafe(18)
    verifier, challenge = pkce_pair() if adapter.supports_pkce else ("", "")
    cache.set(
        _state_key(nonce),
        {"user": user.pk, "provider": provider, "verifier": verifier, "redirect": redirect_uri},
        STATE_TTL_S,
    )
    state = signing.dumps({"n": nonce, "u": user.pk, "p": provider}, salt=STATE_SALT)
    url = adapter.authorize_url(redirect_uri=redirect_uri, state=state, code_challenge=challenge)
    return AuthorizeStart(url=url, state=state)


def connection_complete(*, user, provider: str, code: str, state: str) -> Connection:
    """Finish connecting at the callback: check `state` (this person, this provider, used
    once), exchange the code and store the tokens encrypted."""
    adapter = _adapter(provider)
    try:
        data = signing.loads(state, salt=STATE_SALT, max_age=STATE_TTL_S)
    except signing.BadSignature:
        raise OAuthStateInvalid() from None
    if data.get("p") != provider:
        raise OAuthStateInvalid()
    if data.get("u") != user.pk:
        raise OAuthStateForeign()
    key = _state_key(data["n"])
    pending = cache.get(key)
    if not pending or not cache.delete(key):  # a state is good for one callback only
        raise OAuthStateInvalid()
    try:
        tokens = adapter.exchange_code(
            code=code, redirect_uri=pending["redirect"], code_verifier=pending["verifier"]
        )
    except InvalidGrant:
        raise OAuthCodeRefused() from None
    except ProviderError as exc:
        logger.warning("devices: %s code exchange failed: %s", provider, exc.code)
        raise ProviderDown() from None
    if not tokens.external_id:
        raise OAuthCodeRefused()
    with transaction.atomic():
        taken = (
            Connection.objects.filter(
                provider=provider, external_id=tokens.external_id, status=Connection.Status.ACTIVE
            )
            .exclude(user=user)
            .exists()
        )
        if taken:
            raise ProviderAccountTaken()
        connection, _created = Connection.objects.update_or_create(
            user=user,
            provider=provider,
            defaults={
                "external_id": tokens.external_id,
                "access_token": tokens.access_token,
                "refresh_token": tokens.refresh_token,
                "token_expires_at": tokens.expires_at,
                "scopes": tokens.scopes[:255],
                "status": Connection.Status.ACTIVE,
                "last_error_code": "",
                "last_error_at": None,
            },
        )
        if provider == SandboxProvider.name:  # the sandbox sends a few workouts at once
            _enqueue_sandbox(connection.pk, count=3)
        if adapter.supports_backfill:
            _enqueue_backfill(connection.pk)
    logger.info("devices: %s connected for user %s", provider, user.pk)
    return connection


def _wipe(connection: Connection, status: str) -> None:
    connection.access_token = connection.refresh_token = ""
    connection.token_expires_at = None
    connection.status = status
    connection.save(
        update_fields=["access_token", "refresh_token", "token_expires_at", "status", "modified"]
    )


def connection_disconnect(*, connection: Connection) -> Connection:
    """Revoke Stride's access at the provider (best effort) and forget the tokens."""
    adapter = providers.get(connection.provider)
    if adapter is not None and connection.access_token:
        try:
            adapter.deauthorize(
                access_token=connection.access_token, external_id=connection.external_id
            )
        except ProviderError as exc:
            logger.warning("devices: %s revoke failed: %s", connection.provider, exc.code)
    _wipe(connection, Connection.Status.DISCONNECTED)
    return connection


def connection_revoked(*, connection: Connection) -> None:
    """The athlete revoked access (or left) at the provider: stop, and forget the tokens."""
    _wipe(connection, Connection.Status.REVOKED)


def _fresh(connection: Connection) -> bool:
    expires = connection.token_expires_at
    return bool(connection.access_token) and (
        expires is None or expires > timezone.now() + TOKEN_LEEWAY
    )


def connection_access_token(*, connection_id: int) -> str:
    """A valid access token, refreshed if due. Single-flight: the refresh runs under a row
    lock and re-checks after taking it, so a second worker uses the first one's new token."""
    connection = Connection.objects.get(pk=connection_id)
    if connection.status != Connection.Status.ACTIVE:
        raise ConnectionInactive()
    if _fresh(connection):
        return connection.access_token
    refused = False
    with transaction.atomic():
        connection = Connection.objects.select_for_update().get(pk=connection_id)
        if connection.status != Connection.Status.ACTIVE:
            raise ConnectionInactive()
        if _fresh(connection):
            return connection.access_token
        adapter = _adapter(connection.provider)
        try:
            tokens = adapter.refresh(refresh_token=connection.refresh_token)
        except InvalidGrant:
            refused = True
            connection.status = Connection.Status.ERROR
            connection.last_error_code = InvalidGrant.code
            connection.last_error_at = timezone.now()
            connection.save(
                update_fields=["status", "last_error_code", "last_error_at", "modified"]
            )
        else:
            connection.access_token = tokens.access_token
            connection.refresh_token = tokens.refresh_token or connection.refresh_token
            connection.token_expires_at = tokens.expires_at
            connection.save(
                update_fields=["access_token", "refresh_token", "token_expires_at", "modified"]
            )
    if refused:
        logger.warning("devices: %s refused the refresh token", connection.provider)
        raise ConnectionInactive()
    return connection.access_token


# --- Webhooks -------------------------------------------------------------------------------
# verify the raw body → store each event once under its unique key → enqueue after commit →
# answer. A Celery job then fetches, normalizes and records through `record_activity`.


def webhook_handshake(*, provider: str, params: dict) -> dict | str | None:
    return _adapter(provider).handshake(params)


def webhook_receive(*, provider: str, body: bytes, headers) -> list[int]:
    """Check and store one delivery; return the ids of events seen for the first time.
    A forged body raises before anything is stored or queued."""
    adapter = _adapter(provider)
    if len(body) > settings.DEVICES_WEBHOOK_MAX_BYTES:
        raise WebhookTooLarge()
    try:
        adapter.verify(body=body, headers=headers)
    except SignatureInvalid as exc:
        logger.warning("devices: %s webhook refused: %s", provider, exc)
        raise WebhookRefused() from None
    try:
        parsed = adapter.parse_events(body=body, headers=headers)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise WebhookMalformed() from None
    kept = {name: headers[name][:200] for name in adapter.kept_headers if name in headers}
    text = body.decode("utf-8", errors="replace")
    new = []
    with transaction.atomic():
        for event in parsed:
            row, created = WebhookEvent.objects.get_or_create(
                provider=provider,
                key=event.key,
                defaults={
                    "kind": event.kind,
                    "external_id": event.external_id,
                    "object_id": event.object_id,
                    "body": text,
                    "headers": {**kept, **({"data": event.data} if event.data else {})},
                },
            )
            if created or (event.kind == KIND_SYNC and _rearm(row)):
                new.append(row.pk)
        _enqueue_events(new)
    return new


def _rearm(row: WebhookEvent) -> bool:
    """A KIND_SYNC set changed again: list it again, unless a listing is already due (one
    that has not started yet sees this change too). A row being listed right now is put back
    to "received" so a fresh listing follows the running one."""
    S = WebhookEvent.Status
    return bool(
        WebhookEvent.objects.filter(pk=row.pk)
        .exclude(status__in=[S.RECEIVED, S.RETRYING])
        .update(
            status=S.RECEIVED,
            attempts=0,
            error="",
            next_attempt_at=None,
            processed_at=None,
            modified=timezone.now(),
        )
    )


def _enqueue_events(event_ids: list[int], *, countdown: float = 0) -> None:
    from apps.devices.tasks import webhook_event_process_task

    def send() -> None:
        for event_id in event_ids:
            if countdown:
                webhook_event_process_task.apply_async(
                    kwargs={"event_id": event_id}, countdown=bounded_countdown(countdown)
                )
            else:
                webhook_event_process_task.delay(event_id=event_id)

    if event_ids:
        transaction.on_commit(send)


# Circuit breaker per provider, in the cache shared by every worker.


def _breaker_keys(provider: str) -> tuple[str, str]:
    return f"devices:breaker:{provider}:failures", f"devices:breaker:{provider}:open"


def breaker_open_until(provider: str) -> float | None:
    """When the provider's breaker closes again (a UNIX time), or None when it is closed."""
    until = cache.get(_breaker_keys(provider)[1])
    return until if until and until > time.time() else None


def breaker_failure(provider: str) -> None:
    failures, open_key = _breaker_keys(provider)
    cooldown = settings.DEVICES_BREAKER_COOLDOWN_S
    cache.add(failures, 0, timeout=cooldown)
    if cache.incr(failures) >= settings.DEVICES_BREAKER_THRESHOLD:
        cache.set(open_key, time.time() + cooldown, timeout=cooldown)
        cache.delete(failures)
        logger.warning("devices: %s breaker open for %s s", provider, cooldown)


def breaker_success(provider: str) -> None:
    cache.delete(_breaker_keys(provider)[0])


def _backoff_s(attempts: int) -> float:
    """Exponential backoff with full jitter around it: 30 s, 60 s, 2 min, … capped at 1 h."""
    base = min(3600.0, 30.0 * 2 ** max(0, attempts - 1))
    return base * random.uniform(0.5, 1.5)  # noqa: S311 - jitter, not a secret


def _save_event(event: WebhookEvent, **changes) -> None:
    for name, value in changes.items():
        setattr(event, name, value)
    event.save(update_fields=[*changes, "modified"])


def _retry_later(event: WebhookEvent, error: str, *, delay: float, spend: bool = True) -> str:
    if not spend:
        event.attempts = max(0, event.attempts - 1)
    elif event.attempts >= settings.DEVICES_EVENT_MAX_ATTEMPTS:
        _save_event(event, status=WebhookEvent.Status.EXHAUSTED, error=error[:255])
        WEBHOOK_FAILURES.labels(event.provider, "exhausted").inc()
        return event.status
    _save_event(
        event,
        status=WebhookEvent.Status.RETRYING,
        attempts=event.attempts,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        error=error[:255],
    )
    _enqueue_events([event.pk], countdown=delay)
    return event.status


def _event_claim(event_id: int) -> WebhookEvent | None:
    """Take a due event for processing (one worker at a time), counting the attempt."""
    S = WebhookEvent.Status
    now = timezone.now()
    with transaction.atomic():
        event = (
            WebhookEvent.objects.select_for_update(skip_locked=True)
            .filter(pk=event_id, status__in=[S.RECEIVED, S.RETRYING])
            .first()
        )
        if event is None:
            return None  # done already, or another worker has it
        if event.next_attempt_at and event.next_attempt_at > now + timedelta(seconds=1):
            return None  # not due: the release job (or a later task) brings it back
        until = breaker_open_until(event.provider)
        if until is not None:
            _save_event(
                event,
                status=S.RETRYING,
                next_attempt_at=timezone.now() + timedelta(seconds=until - time.time()),
                error="breaker open",
            )
            return None
        _save_event(event, status=S.PROCESSING, attempts=event.attempts + 1)
    return event


def webhook_event_process(*, event_id: int) -> str | None:
    """Act on one stored event; idempotent (a done event is left alone). Returns its status."""
    event = _event_claim(event_id)
    if event is None:
        return None
    provider = event.provider
    try:
        status = _handle(event)
    except RateLimited as exc:
        WEBHOOK_FAILURES.labels(provider, "rate_limited").inc()
        return _retry_later(event, exc.code, delay=exc.reset_s, spend=False)
    except ProviderUnavailable as exc:
        breaker_failure(provider)
        WEBHOOK_FAILURES.labels(provider, "unavailable").inc()
        _connection_error(event, exc.code)
        return _retry_later(event, exc.code, delay=_backoff_s(event.attempts))
    except NotReady as exc:
        return _retry_later(event, exc.code, delay=_backoff_s(event.attempts))
    except ObjectGone:
        status = WebhookEvent.Status.IGNORED
    except (ConnectionInactive, ProviderUnknown) as exc:
        WEBHOOK_FAILURES.labels(provider, "inactive").inc()
        _save_event(event, status=WebhookEvent.Status.EXHAUSTED, error=exc.code)
        return event.status
    except (ActivityInvalid, ImportFailed, ProviderError) as exc:
        WEBHOOK_FAILURES.labels(provider, "invalid").inc()
        _save_event(event, status=WebhookEvent.Status.EXHAUSTED, error=getattr(exc, "code", ""))
        return event.status
    except Exception as exc:
        logger.exception("devices: %s event %s crashed", provider, event.pk)
        return _retry_later(event, type(exc).__name__, delay=_backoff_s(event.attempts))
    breaker_success(provider)
    if event.kind == KIND_SYNC:  # re-armed while listing? then the next listing decides
        finished = WebhookEvent.objects.filter(
            pk=event.pk, status=WebhookEvent.Status.PROCESSING
        ).update(status=status, processed_at=timezone.now(), error="", modified=timezone.now())
        return status if finished else WebhookEvent.Status.RECEIVED
    _save_event(event, status=status, processed_at=timezone.now(), error="")
    if status == WebhookEvent.Status.DONE:
        EVENT_LAG.labels(provider).observe((event.processed_at - event.created).total_seconds())
    return status


def _connection_error(event: WebhookEvent, code: str) -> None:
    if event.connection_id:
        Connection.objects.filter(pk=event.connection_id).update(
            last_error_code=code, last_error_at=timezone.now()
        )


def _handle(event: WebhookEvent) -> str:
    S = WebhookEvent.Status
    if event.kind == KIND_IGNORE:
        return S.IGNORED
    connection = selectors.connection_for_account(
        provider=event.provider, external_id=event.external_id
    )
    if connection is None:
        return S.IGNORED  # nobody here is connected to that account
    if event.connection_id != connection.pk:
        _save_event(event, connection=connection)
    owner = connection.user
    if event.kind in (KIND_DEAUTHORIZE, KIND_ATHLETE_DELETE):
        connection_revoked(connection=connection)
        return S.DONE
    if event.kind == KIND_DELETE:
        # Only this provider's source goes; the activity stays while another source holds it.
        training_services.activity_source_remove(
            owner=owner, provider=event.provider, external_id=event.object_id
        )
        return S.DONE
    if connection.status != Connection.Status.ACTIVE:
        return S.IGNORED
    adapter = _adapter(event.provider)
    token = connection_access_token(connection_id=connection.pk)
    if event.kind == KIND_SYNC:
        listing = adapter.list_changed(
            access_token=token,
            event=ParsedEvent(
                key=event.key,
                kind=event.kind,
                external_id=event.external_id,
                object_id=event.object_id,
            ),
        )
        _store_listing(connection, listing, scope=event.object_id)
        Connection.objects.filter(pk=connection.pk).update(
            last_sync_at=timezone.now(), last_error_code="", last_error_at=None
        )
        return S.DONE
    parsed = ParsedEvent(
        key=event.key,
        kind=event.kind,
        external_id=event.external_id,
        object_id=event.object_id,
        data=event.headers.get("data", {}),
    )
    normalized = adapter.fetch_activity(access_token=token, event=parsed)
    recorded = training_services.record_activity(owner=owner, activity=normalized)
    if (
        event.kind == KIND_UPDATE
        and not recorded.created
        and recorded.activity.provider == event.provider
        and normalized.title
        and recorded.activity.title != normalized.title[:120]
    ):
        training_services.update_activity(activity=recorded.activity, title=normalized.title[:120])
    _save_event(event, activity=recorded.activity)
    Connection.objects.filter(pk=connection.pk).update(
        last_sync_at=timezone.now(), last_error_code="", last_error_at=None
    )
    return S.DONE


def _store_listing(connection: Connection, listing: Listing, *, scope: str | None = None) -> int:
    """Store one event per listed object (an object stored before is left alone) and queue
    the new ones; with a complete listing of `scope`, an object listed there before and
    missing now was deleted at the provider: so is its activity here. Returns how many new."""
    S = WebhookEvent.Status
    new = []
    with transaction.atomic():
        for item in listing.events:
            row, created = WebhookEvent.objects.get_or_create(
                provider=connection.provider,
                key=item.key,
                defaults={
                    "kind": item.kind,
                    "external_id": connection.external_id,
                    "object_id": item.object_id,
                    "body": "",
                    "headers": {"data": item.data} if item.data else {},
                    "connection": connection,
                },
            )
            if created:
                new.append(row.pk)
        if scope is not None and listing.present is not None:
            gone = WebhookEvent.objects.filter(
                provider=connection.provider,
                external_id=connection.external_id,
                kind=KIND_CREATE,
                headers__data__scope=scope,
            ).exclude(object_id__in=listing.present)
            for row in gone:
                activity = training_selectors.activity_by_source(
                    owner=connection.user, provider=connection.provider, external_id=row.object_id
                )
                if activity is not None:
                    training_services.delete_activity(activity=activity)
                _save_event(row, kind=KIND_DELETE, status=S.DONE, activity=None)
        _enqueue_events(new)
    return len(new)


def _enqueue_backfill(connection_id: int) -> None:
    from apps.devices.tasks import connection_backfill_task

    transaction.on_commit(lambda: connection_backfill_task.delay(connection_id=connection_id))


def connection_backfill(*, connection_id: int, days: int | None = None) -> int:
    """Bring in the last days' workouts of a new connection (providers that allow listing):
    one event per workout through the webhook pipeline. Returns how many were new."""
    connection = Connection.objects.select_related("user").get(pk=connection_id)
    adapter = _adapter(connection.provider)
    if not adapter.supports_backfill or connection.status != Connection.Status.ACTIVE:
        return 0
    days = settings.DEVICES_BACKFILL_DAYS if days is None else days
    token = connection_access_token(connection_id=connection.pk)
    listing = adapter.backfill(
        access_token=token,
        external_id=connection.external_id,
        since=timezone.now() - timedelta(days=days),
    )
    return _store_listing(connection, listing)


def webhook_event_replay(*, event: WebhookEvent) -> None:
    """Run a stored event again from the start (support, from the admin)."""
    _save_event(
        event,
        status=WebhookEvent.Status.RETRYING,
        attempts=0,
        next_attempt_at=timezone.now(),
        error="",
    )
    _enqueue_events([event.pk])


def webhook_events_release_due() -> int:
    """Queue events whose retry time came, and heal events a dead worker left behind."""
    S = WebhookEvent.Status
    now = timezone.now()
    WebhookEvent.objects.filter(
        status=S.PROCESSING, modified__lt=now - timedelta(minutes=15)
    ).update(status=S.RETRYING, next_attempt_at=now)
    WebhookEvent.objects.filter(status=S.RECEIVED, created__lt=now - timedelta(minutes=5)).update(
        status=S.RETRYING, next_attempt_at=now
    )
    due = selectors.webhook_events_due(now=now)
    _enqueue_events(due)
    return len(due)


def connections_reconcile(*, days: int = 2) -> int:
    """Heal missed webhooks: list each connection's recent activities where the provider
    allows it, and put the unknown ones through the webhook pipeline as events."""
    names = [p.name for p in providers.enabled() if p.supports_reconciliation]
    since = timezone.now() - timedelta(days=days)
    queued = 0
    for connection in selectors.connections_to_reconcile(providers=names):
        adapter = _adapter(connection.provider)
        if adapter.supports_backfill:  # its listing carries what fetching needs
            try:
                queued += connection_backfill(connection_id=connection.pk, days=days)
            except (ProviderError, ConnectionInactive) as exc:
                logger.warning(
                    "devices: %s reconciliation skipped: %s", connection.provider, exc.code
                )
            continue
        try:
            token = connection_access_token(connection_id=connection.pk)
            recent = adapter.list_recent(access_token=token, since=since)
        except (ProviderError, ConnectionInactive) as exc:
            logger.warning("devices: %s reconciliation skipped: %s", connection.provider, exc.code)
            continue
        for item in recent:
            known = training_selectors.activity_by_source(
                owner=connection.user, provider=connection.provider, external_id=item.object_id
            )
            if known is not None:
                continue
            with transaction.atomic():
                row, created = WebhookEvent.objects.get_or_create(
                    provider=connection.provider,
                    key=f"reconcile:{item.object_id}",
                    defaults={
                        "kind": KIND_CREATE,
                        "external_id": connection.external_id,
                        "object_id": item.object_id,
                        "body": "",
                        "connection": connection,
                    },
                )
                if created:
                    _enqueue_events([row.pk])
                    queued += 1
    return queued


# --- Sandbox provider -----------------------------------------------------------------------


def _enqueue_sandbox(connection_id: int, *, count: int) -> None:
    from apps.devices.tasks import sandbox_workouts_send_task

    transaction.on_commit(
        lambda: sandbox_workouts_send_task.delay(connection_id=connection_id, count=count)
    )


def sandbox_workouts_request(*, connection: Connection, count: int = 1) -> None:
    """Ask the sandbox for more workouts (the "send a workout" button)."""
    if connection.provider != SandboxProvider.name or connection.status != "active":
        raise ConnectionInactive()
    _enqueue_sandbox(connection.pk, count=count)


def sandbox_workouts_send(*, connection_id: int, count: int) -> list[int]:
    """Play the sandbox platform: make `count` workouts of the last days and deliver one SIGNED
    webhook for them through `webhook_receive`, the same door a real provider uses."""
    connection = Connection.objects.filter(pk=connection_id, status="active").first()
    if connection is None:
        return []
    adapter = _adapter(SandboxProvider.name)
    rng = random.Random()  # noqa: S311 - made-up workouts
    now = timezone.now().replace(microsecond=0)
    events = []
    for day in range(count):
        start = (now - timedelta(days=day, hours=rng.randint(2, 10))).replace(second=0)
        sport = "ride" if rng.random() < 0.3 else "run"
        events.append(
            ("activity.created", adapter.new_activity_id(start=start, sport=sport, rng=rng))
        )
    body, headers = adapter.events_body(athlete=connection.external_id, events=events)
    return webhook_receive(provider=SandboxProvider.name, body=body, headers=headers)
