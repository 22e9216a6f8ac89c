"""What accounts holds about a person, for the data export."""

from apps.accounts.models import ConsentRecord, PrivacyZone, Profile, User
from apps.accounts.services import PROFILE_FIELDS
from apps.core.personal_data import ExportFile, ExportPart, exporter


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
