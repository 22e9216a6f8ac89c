"""What accounts holds about a person: its part of the data export, and its erasure."""

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from apps.accounts import services
from apps.accounts.exceptions import TooManyPrivacyZones
from apps.accounts.models import (
    ConsentRecord,
    DataExport,
    DataImport,
    PrivacyZone,
    Profile,
    User,
)
from apps.core.exceptions import StrideError
from apps.core.personal_data import (
    ERASE_LAST,
    ArchiveFiles,
    ExportFile,
    ExportPart,
    eraser,
    exporter,
    importer,
)


def _value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "code"):  # a country
        return value.code
    return (
        str(value)
        if value is not None and not isinstance(value, int | str | list | bool)
        else value
    )


@exporter("accounts")
def export_accounts(user_id: int) -> ExportPart:
    user = User.objects.get(pk=user_id)
    data: dict = {
        "user": {
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
        },
        "profile": None,
        "privacy_zones": [
            {
                "name": z.name,
                "latitude": z.latitude,
                "longitude": z.longitude,
                "radius_m": z.radius_m,
                "created": z.created.isoformat(),
            }
            for z in PrivacyZone.objects.filter(user=user).order_by("created")
        ],
        "consents": [
            {
                "kind": r.document.kind,
                "version": r.document.version,
                "granted": r.granted,
                "time": r.created.isoformat(),
                "ip_address": r.ip_address,
                "user_agent": r.user_agent,
            }
            for r in ConsentRecord.objects.filter(user=user)
            .select_related("document")
            .order_by("created", "pk")
        ],
    }
    files = []
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        data["profile"] = {f: _value(getattr(profile, f)) for f in services.PROFILE_FIELDS}
        if profile.avatar:
            data["profile"]["avatar"] = "files/accounts/avatar.jpg"
            files.append(
                ExportFile("accounts/avatar.jpg", profile.avatar.storage, profile.avatar.name)
            )
    return ExportPart(data=data, files=files)


@eraser("accounts", order=ERASE_LAST)
def erase_accounts(user_id: int) -> None:
    """Remove the person: files, sessions, traces in the admin log, then the user row, whose
    deletion cascades to the profile, privacy zones, consents, e-mail addresses, social
    accounts and second factors. Export and erasure requests stay, without the person."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return  # erased already
    files = []
    profile = Profile.objects.filter(user=user).first()
    if profile is not None and profile.avatar:
        files.append(profile.avatar)
    exports = DataExport.objects.filter(user=user)
    files.extend(export.file for export in exports if export.file)
    exports.update(status=DataExport.Status.EXPIRED, file="")
    files.extend(i.file for i in DataImport.objects.filter(user=user) if i.file)

    for session in UserSession.objects.filter(user=user):
        session.end()  # the browser sessions and the apps' session tokens
    _delete_untracked_sessions(user_id)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user_id)
    ).update(object_repr=f"erased user {user_id}", change_message="")
    user.delete()

    # Storage is not transactional: remove the files only once the rows are surely gone.
    def delete_files(files=tuple(files)):
        for f in files:
            f.storage.delete(f.name)

    transaction.on_commit(delete_files)


def _delete_untracked_sessions(user_id: int) -> None:
    """Sessions made without allauth (Django's own login, a test client) are not tracked by
    usersessions, and their data holds the sign-in e-mail. Expired ones are only waste: drop
    them all; read the live ones. Only the database session store can be searched; cached
    sessions expire by themselves."""
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return
    now = timezone.now()
    Session.objects.filter(expire_date__lte=now).delete()
    mine = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=now).iterator(chunk_size=2000)
        if s.get_decoded().get(SESSION_KEY) == str(user_id)
    ]
    Session.objects.filter(session_key__in=mine).delete()


def _plausible(field: str, value) -> bool:
    """The JSON shape the profile field takes; its content is validated by the service."""
    if field in ("sports", "hidden_fields"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


@importer("accounts")
def import_accounts(user_id: int, data, files: ArchiveFiles) -> dict:
    """Take the name, language, profile, avatar and privacy zones of an export. The e-mail stays
    the one verified here, and agreements are not carried over: they were given to the other
    Stride's documents."""
    if not isinstance(data, dict):
        return {"skipped": "not an accounts part"}
    user = User.objects.get(pk=user_id)
    summary: dict = {"profile_fields": 0, "skipped_fields": [], "privacy_zones": 0}

    person = data.get("user") if isinstance(data.get("user"), dict) else {}
    languages = {code for code, _name in settings.LANGUAGES}
    services.user_update(
        user=user,
        display_name=str(person.get("display_name") or "")[:80] or None,
        language=person.get("language") if person.get("language") in languages else None,
    )

    profile = data.get("profile") if isinstance(data.get("profile"), dict) else {}
    changes = {
        f: profile[f] for f in services.PROFILE_FIELDS if f in profile and _plausible(f, profile[f])
    }
    summary["skipped_fields"] = sorted(set(profile) & set(services.PROFILE_FIELDS) - set(changes))
    for _attempt in range(2):  # a field this Stride rejects is left out, not the whole profile
        try:
            with transaction.atomic():
                services.profile_update(user=user, **changes)
            break
        except ValidationError as exc:
            bad = set(getattr(exc, "error_dict", {})) & set(changes)
            if not bad:
                bad = set(changes)
            summary["skipped_fields"].extend(sorted(bad))
            changes = {f: v for f, v in changes.items() if f not in bad}
    summary["profile_fields"] = len(changes)

    avatar = files.read("accounts/avatar.jpg") if profile.get("avatar") else None
    if avatar:
        try:
            services.profile_avatar_set(
                user=user, upload=SimpleUploadedFile("avatar.jpg", avatar, "image/jpeg")
            )
            summary["avatar"] = True
        except (ValidationError, StrideError):
            summary["avatar"] = False

    existing = {
        (z.name, round(z.latitude, 6), round(z.longitude, 6))
        for z in PrivacyZone.objects.filter(user=user)
    }
    for zone in data.get("privacy_zones") or []:
        try:
            name, lat, lon = str(zone["name"]), float(zone["latitude"]), float(zone["longitude"])
            radius = int(zone["radius_m"])
        except (KeyError, TypeError, ValueError):
            continue
        if (name.strip(), round(lat, 6), round(lon, 6)) in existing:
            continue  # imported before
        try:
            with transaction.atomic():
                services.privacy_zone_create(
                    user=user, name=name[:60], latitude=lat, longitude=lon, radius_m=radius
                )
        except TooManyPrivacyZones:
            summary["privacy_zones_skipped"] = "limit reached"
            break
        except ValidationError:
            continue
        summary["privacy_zones"] += 1
    return summary
