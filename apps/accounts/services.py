"""Writes on users and their profiles. Every change of a user goes through here."""

import io
import json
import uuid
import zipfile
from datetime import timedelta
from zoneinfo import available_timezones

from allauth.core import ratelimit
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts import selectors
from apps.accounts.exceptions import (
    InvalidArchive,
    MandatoryConsentRefused,
    TooManyPasswordAttempts,
    TooManyPrivacyZones,
    WrongPassword,
)
from apps.accounts.models import (
    ConsentDocument,
    ConsentRecord,
    DataExport,
    DataImport,
    ErasureRequest,
    HiddenField,
    PrivacyZone,
    Profile,
    Sport,
    User,
)
from apps.core import personal_data
from apps.core.images import process_image
from apps.core.tasks import TRANSIENT_ERRORS

# What a person may change on their profile, in the order forms show it.
PROFILE_FIELDS = (
    "birth_year",
    "sex",
    "height_cm",
    "weight_kg",
    "units",
    "timezone",
    "country",
    "region",
    "sports",
    "experience",
    "weekly_distance_goal_km",
    "target_race_name",
    "target_race_date",
    "activity_visibility",
    "profile_visibility",
    "hidden_fields",
)


@transaction.atomic
def user_update(
    *, user: User, display_name: str | None = None, language: str | None = None
) -> User:
    """Change what a user may change about themselves."""
    fields: list[str] = []
    if display_name is not None:
        user.display_name = display_name.strip()
        fields.append("display_name")
    if language is not None:
        user.language = language
        fields.append("language")
    if fields:
        user.full_clean(exclude=["password"])
        user.save(update_fields=fields)
    return user


def _validate_profile(profile: Profile) -> None:
    errors: dict[str, list[str]] = {}
    if profile.timezone not in available_timezones():
        errors["timezone"] = [_("Choose a time zone such as Europe/Berlin.")]
    if not isinstance(profile.sports, list) or not set(profile.sports) <= set(Sport.values):
        errors["sports"] = [_("Choose sports from the list.")]
    if not isinstance(profile.hidden_fields, list) or not set(profile.hidden_fields) <= set(
        HiddenField.values
    ):
        errors["hidden_fields"] = [_("Choose fields from the list.")]
    try:
        profile.full_clean(exclude=["user", "avatar", "avatar_thumbnail"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def profile_update(*, user: User, **changes) -> Profile:
    """Change profile and privacy fields; unknown fields are refused, not ignored."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    for field, value in changes.items():
        setattr(
            profile, field, sorted(set(value)) if field in ("sports", "hidden_fields") else value
        )
    _validate_profile(profile)
    profile.save()
    return profile


def profile_avatar_set(*, user: User, upload) -> Profile:
    """Store a new avatar (re-encoded, EXIF stripped, thumbnailed); the old files are deleted."""
    processed = process_image(upload)  # outside the transaction: CPU work, no locks held
    with transaction.atomic():
        profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
        old = [f.name for f in (profile.avatar, profile.avatar_thumbnail) if f]
        profile.avatar.save("avatar.jpg", processed.image, save=False)
        profile.avatar_thumbnail.save("avatar.jpg", processed.thumbnail, save=False)
        profile.save(update_fields=["avatar", "avatar_thumbnail", "modified"])
        transaction.on_commit(lambda: _delete_files(profile.avatar.storage, old))
    return profile


def profile_avatar_delete(*, user: User) -> None:
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(user=user).first()
        if profile is None or not profile.avatar:
            return
        old = [f.name for f in (profile.avatar, profile.avatar_thumbnail) if f]
        storage = profile.avatar.storage
        profile.avatar = profile.avatar_thumbnail = ""
        profile.save(update_fields=["avatar", "avatar_thumbnail", "modified"])
        transaction.on_commit(lambda: _delete_files(storage, old))


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


@transaction.atomic
def privacy_zone_create(
    *, user: User, name: str, latitude: float, longitude: float, radius_m: int
) -> PrivacyZone:
    """Add a privacy zone (at most MAX_PER_USER per person)."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # serialise concurrent adds
    if PrivacyZone.objects.filter(user=user).count() >= PrivacyZone.MAX_PER_USER:
        raise TooManyPrivacyZones()
    zone = PrivacyZone(
        user=user, name=name.strip(), latitude=latitude, longitude=longitude, radius_m=radius_m
    )
    zone.full_clean()
    zone.save()
    return zone


@transaction.atomic
def privacy_zone_update(*, zone: PrivacyZone, **changes) -> PrivacyZone:
    for field in ("name", "latitude", "longitude", "radius_m"):
        if field in changes:
            setattr(zone, field, changes[field])
    zone.full_clean()
    zone.save()
    return zone


@transaction.atomic
def privacy_zone_delete(*, zone: PrivacyZone) -> None:
    zone.delete()


def _request_meta(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    from allauth.account.adapter import get_adapter

    return get_adapter().get_client_ip(request), request.headers.get("User-Agent", "")[:300]


@transaction.atomic
def consent_record(*, user: User, decisions: dict[str, bool], request=None) -> list[ConsentRecord]:
    """Record the user's answers to the current documents (with time, IP and user agent)."""
    current = selectors.consent_documents_current()
    unknown = set(decisions) - set(current)
    if unknown:
        raise ValidationError(
            {
                "consents": [
                    _("There is no document to agree to for: %(kinds)s.")
                    % {"kinds": ", ".join(sorted(unknown))}
                ]
            }
        )
    refused = [k for k, granted in decisions.items() if not granted and current[k].mandatory]
    if refused:
        raise MandatoryConsentRefused(
            fields={k: [str(MandatoryConsentRefused.default_message)] for k in refused}
        )
    ip, agent = _request_meta(request)
    latest = selectors.consent_latest_decisions(user=user)
    records = []
    for kind, granted in decisions.items():
        document = current[kind]
        previous = latest.get(kind)
        if previous and previous.document_id == document.pk and previous.granted == granted:
            continue  # the same answer again: nothing to record (a retried request)
        records.append(
            ConsentRecord(
                user=user, document=document, granted=granted, ip_address=ip, user_agent=agent
            )
        )
    ConsentRecord.objects.bulk_create(records)
    key = selectors.consents_ok_cache_key(user=user)
    transaction.on_commit(lambda: cache.delete(key))
    return records


@transaction.atomic
def consent_document_publish(*, document: ConsentDocument) -> ConsentDocument:
    """Publish a document version; from now on everyone is asked for it."""
    if document.published_at is None:
        document.published_at = timezone.now()
        document.save(update_fields=["published_at", "modified"])
    transaction.on_commit(lambda: cache.delete(selectors.CURRENT_DOCUMENTS_CACHE_KEY))
    return document


EXPORT_FORMAT = "stride-export"
EXPORT_FORMAT_VERSION = 1


@transaction.atomic
def data_export_request(*, user: User) -> DataExport:
    """Ask for an archive of the user's data; a request already under way is returned instead."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time
    active = DataExport.objects.filter(
        user=user, status__in=[DataExport.Status.PENDING, DataExport.Status.RUNNING]
    ).first()
    if active is not None:
        return active
    export = DataExport.objects.create(user=user, subject_id=user.pk)
    from apps.accounts.tasks import data_export_build_task

    transaction.on_commit(lambda: data_export_build_task.delay(export_id=export.pk))
    return export


def data_export_build(*, export_id: int) -> DataExport:
    """Collect every app's part into a zip (JSON + original files), store it, tell the user."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update().get(pk=export_id)
        if export.status != DataExport.Status.PENDING or export.user_id is None:
            return export  # done already (a repeated delivery) or the account is gone
        export.status = DataExport.Status.RUNNING
        export.save(update_fields=["status", "modified"])
    try:
        archive = _build_archive(export.user_id)
    except TRANSIENT_ERRORS:
        # The task retries: leave it to be picked up again.
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.PENDING)
        raise
    except Exception:
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.FAILED)
        raise
    now = timezone.now()
    export.file.save(f"{uuid.uuid4().hex}.zip", ContentFile(archive), save=False)
    export.size_bytes = len(archive)
    export.status = DataExport.Status.READY
    export.finished_at = now
    export.expires_at = now + DATA_EXPORT_TTL
    export.save(
        update_fields=["file", "size_bytes", "status", "finished_at", "expires_at", "modified"]
    )
    _send_export_ready(export)
    return export


DATA_EXPORT_TTL = timedelta(days=7)


def _build_archive(user_id: int) -> bytes:
    buffer = io.BytesIO()
    parts = personal_data.exporters()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        manifest = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_FORMAT_VERSION,
            "exported_at": timezone.now().isoformat(),
            "parts": list(parts),
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        for name, export_part in parts.items():
            part = export_part(user_id)
            archive.writestr(f"{name}.json", json.dumps(part.data, indent=2, ensure_ascii=False))
            for f in part.files:
                archive.writestr(f"files/{f.arcname}", f.read())
    return buffer.getvalue()


def data_export_download_token(*, export: DataExport) -> str:
    return signing.dumps(export.pk, salt="accounts.data-export")


def data_export_for_token(*, user: User, token: str) -> DataExport | None:
    """The owner's ready export for a download link that has not expired; else None."""
    try:
        export_id = signing.loads(
            token, salt="accounts.data-export", max_age=DATA_EXPORT_TTL.total_seconds()
        )
    except signing.BadSignature:
        return None
    export = DataExport.objects.filter(
        pk=export_id, user=user, status=DataExport.Status.READY
    ).first()
    if export is None or export.expires_at is None or export.expires_at <= timezone.now():
        return None
    return export


def data_export_mark_downloaded(*, export: DataExport) -> None:
    DataExport.objects.filter(pk=export.pk).update(downloaded_at=timezone.now())


def _send_export_ready(export: DataExport) -> None:
    """Tell the owner where to download (in-app and by e-mail, in their language)."""
    from apps.notifications.services import notify

    url = reverse("accounts-export-download", args=[data_export_download_token(export=export)])
    notify(export.user, "data_export_ready", {"url": url})


def data_export_purge_expired() -> int:
    """Delete the archives of exports past their expiry; the rows stay as the audit trail."""
    expired = DataExport.objects.filter(
        status=DataExport.Status.READY, expires_at__lte=timezone.now()
    ).only("pk", "file")
    count = 0
    for export in expired.iterator(chunk_size=200):
        if export.file:
            export.file.delete(save=False)
        DataExport.objects.filter(pk=export.pk).update(
            status=DataExport.Status.EXPIRED, file="", modified=timezone.now()
        )
        count += 1
    return count


# --- Import of an archive exported by another Stride ----------------------------------------

IMPORT_MAX_MEMBERS = 100_000
IMPORT_MAX_UNPACKED_RATIO = 4  # unpacked bytes per archive byte: more is a zip bomb


def _open_archive(fileobj) -> tuple[zipfile.ZipFile, dict]:
    """The archive and its manifest, or InvalidArchive with a reason a person can act on."""
    try:
        archive = zipfile.ZipFile(fileobj)
        members = archive.infolist()
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidArchive() from exc
    if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
        raise InvalidArchive()
    if not isinstance(manifest.get("version"), int) or manifest["version"] > EXPORT_FORMAT_VERSION:
        raise InvalidArchive(
            _(
                "This export comes from a newer Stride (format %(version)s); "
                "this one reads up to %(ours)s."
            )
            % {"version": manifest.get("version"), "ours": EXPORT_FORMAT_VERSION}
        )
    unpacked = sum(m.file_size for m in members)
    if len(members) > IMPORT_MAX_MEMBERS or unpacked > IMPORT_MAX_UNPACKED_RATIO * max(
        settings.DATA_IMPORT_MAX_BYTES, 1
    ):
        raise InvalidArchive(_("This archive unpacks to far more than an export can hold."))
    return archive, manifest


def data_import_request(*, user: User, upload) -> DataImport:
    """Check an uploaded archive at once (so mistakes get a clear answer), keep it, and import
    it in a task."""
    if upload.size > settings.DATA_IMPORT_MAX_BYTES:
        raise InvalidArchive(
            _("The archive is too large: at most %(size)s MB.")
            % {"size": settings.DATA_IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    _open_archive(upload)
    upload.seek(0)
    with transaction.atomic():
        data_import = DataImport(user=user)
        data_import.file.save(f"{uuid.uuid4().hex}.zip", upload, save=False)
        data_import.save()
        from apps.accounts.tasks import data_import_run_task

        transaction.on_commit(lambda: data_import_run_task.delay(import_id=data_import.pk))
    return data_import


def data_import_run(*, import_id: int) -> DataImport:
    """Hand each part of the archive to the app that registered an importer for it, all in one
    transaction: an import lands whole or not at all."""
    with transaction.atomic():
        data_import = DataImport.objects.select_for_update().get(pk=import_id)
        if data_import.status != DataImport.Status.PENDING:
            return data_import
        data_import.status = DataImport.Status.RUNNING
        data_import.save(update_fields=["status", "modified"])
    summary: dict = {}
    try:
        with data_import.file.open("rb") as fileobj, transaction.atomic():
            archive, manifest = _open_archive(fileobj)
            files = personal_data.ArchiveFiles(archive, max_bytes=settings.IMAGE_UPLOAD_MAX_BYTES)
            known = personal_data.importers()
            for name in manifest.get("parts") or []:
                if name not in known:
                    summary[name] = {"skipped": "this Stride does not hold such data"}
                    continue
                try:
                    data = json.loads(archive.read(f"{name}.json"))
                except (KeyError, ValueError) as exc:
                    raise InvalidArchive() from exc
                summary[name] = known[name](data_import.user_id, data, files)
    except TRANSIENT_ERRORS:
        DataImport.objects.filter(pk=import_id).update(status=DataImport.Status.PENDING)
        raise
    except InvalidArchive as exc:
        return _data_import_finish(import_id, DataImport.Status.FAILED, error=exc.message)
    except Exception:
        _data_import_finish(
            import_id, DataImport.Status.FAILED, error=_("The import failed; nothing was changed.")
        )
        raise
    return _data_import_finish(import_id, DataImport.Status.DONE, summary=summary)


def _data_import_finish(import_id: int, status: str, *, summary=None, error="") -> DataImport:
    data_import = DataImport.objects.get(pk=import_id)
    name = data_import.file.name
    data_import.status = status
    data_import.summary = summary or {}
    data_import.error = str(error)[:300]
    data_import.finished_at = timezone.now()
    data_import.file = ""  # the archive has served its purpose: keep no second copy
    data_import.save(
        update_fields=["status", "summary", "error", "finished_at", "file", "modified"]
    )
    if name:
        transaction.on_commit(lambda: DataImport.file.field.storage.delete(name))
    return data_import


# --- Account deletion -----------------------------------------------------------------------


def email_digest(email: str) -> str:
    """A keyed digest of an address: lets staff recognise it without storing it."""
    return salted_hmac("accounts.erasure", email.strip().lower(), algorithm="sha256").hexdigest()


def password_confirm(*, request, user: User, password: str) -> None:
    """Check the person at the keyboard before a drastic step. People without a password
    (signed up through a social provider) have just proven themselves by signing in."""
    if not user.has_usable_password():
        return
    if not ratelimit.consume(request, action="reauthenticate", user=user):
        raise TooManyPasswordAttempts()
    if not user.check_password(password or ""):
        raise WrongPassword(fields={"password": [str(WrongPassword.default_message)]})


@transaction.atomic
def account_deletion_request(*, user: User) -> ErasureRequest:
    """Schedule the erasure of the account after the grace period; repeated, returns the same."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    scheduled = selectors.account_deletion_scheduled(user=user)
    if scheduled is not None:
        return scheduled
    erasure = ErasureRequest.objects.create(
        user=user,
        subject_id=user.pk,
        email_digest=email_digest(user.email),
        scheduled_for=timezone.now() + timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS),
    )
    transaction.on_commit(lambda: _send_deletion_scheduled(user, erasure))
    return erasure


@transaction.atomic
def account_deletion_cancel(*, user: User) -> bool:
    """Call off a scheduled erasure; False when none was scheduled."""
    cancelled = ErasureRequest.objects.filter(
        user=user, status=ErasureRequest.Status.SCHEDULED
    ).update(status=ErasureRequest.Status.CANCELLED, cancelled_at=timezone.now())
    return bool(cancelled)


def account_erase(*, erasure_id: int) -> ErasureRequest:
    """Carry out a due erasure: every app's eraser, then the user row, in one transaction."""
    with transaction.atomic():
        erasure = ErasureRequest.objects.select_for_update().get(pk=erasure_id)
        if erasure.status != ErasureRequest.Status.SCHEDULED:
            return erasure  # cancelled meanwhile, or done by an earlier delivery
        if erasure.scheduled_for > timezone.now():
            return erasure  # not due: the grace period still runs
        for _name, erase in personal_data.erasers():
            erase(erasure.subject_id)
        erasure.status = ErasureRequest.Status.COMPLETED
        erasure.completed_at = timezone.now()
        erasure.user = None
        erasure.save(update_fields=["status", "completed_at", "user", "modified"])
    return erasure


def due_erasure_ids() -> list[int]:
    return list(
        ErasureRequest.objects.filter(
            status=ErasureRequest.Status.SCHEDULED, scheduled_for__lte=timezone.now()
        ).values_list("pk", flat=True)[:1000]
    )


def _send_deletion_scheduled(user: User, erasure: ErasureRequest) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("accounts-delete")
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Your Stride account will be deleted")
        body = _(
            "You asked us to delete your Stride account. On %(date)s we will erase it with "
            "your activities, profile and everything else that is yours.\n\n"
            "Changed your mind? Sign in before then and cancel the deletion:\n\n%(link)s\n\n"
            "If you did not ask for this, cancel it and change your password."
        ) % {"date": date_format(erasure.scheduled_for, "DATE_FORMAT"), "link": link}
    send_mail(subject, body, None, [user.email])
