"""What accounts holds about a person: its part of the data export, and its erasure."""

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import ConsentRecord, DataExport, PrivacyZone, Profile, User
from apps.accounts.services import PROFILE_FIELDS
from apps.core.personal_data import ERASE_LAST, ExportFile, ExportPart, eraser, exporter


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
        data["profile"] = {f: _value(getattr(profile, f)) for f in PROFILE_FIELDS}
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
