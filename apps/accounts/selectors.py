from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import (
    ConsentDocument,
    ConsentRecord,
    DataImport,
    ErasureRequest,
    PrivacyZone,
    Profile,
    User,
)


def user_get(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


def profile_for(*, user: User) -> Profile:
    """The user's profile; an unsaved default one if they never filled it in."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return Profile(user=user)


def account_deletion_scheduled(*, user: User) -> ErasureRequest | None:
    """The user's pending account deletion, if they asked for one."""
    return ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.SCHEDULED).first()


def privacy_zone_list(*, user: User) -> QuerySet[PrivacyZone]:
    return PrivacyZone.objects.filter(user=user)


def privacy_zone_get(*, user: User, zone_id: int) -> PrivacyZone | None:
    """Only the owner's zone: another user's id is simply not found."""
    return PrivacyZone.objects.filter(user=user, pk=zone_id).first()


CURRENT_DOCUMENTS_CACHE_KEY = "accounts:consent-documents:current"


def consent_documents_current() -> dict[str, ConsentDocument]:
    """The newest published document of each kind (cached; publishing clears the cache)."""
    cached = cache.get(CURRENT_DOCUMENTS_CACHE_KEY)
    if cached is not None:
        return cached
    current: dict[str, ConsentDocument] = {}
    published = ConsentDocument.objects.filter(published_at__lte=timezone.now())
    for document in published.order_by("kind", "-version"):
        current.setdefault(document.kind, document)
    cache.set(CURRENT_DOCUMENTS_CACHE_KEY, current, timeout=300)
    return current


def consent_latest_decisions(*, user: User) -> dict[str, ConsentRecord]:
    """The user's latest decision per kind (one query)."""
    latest: dict[str, ConsentRecord] = {}
    records = (
        ConsentRecord.objects.filter(user=user)
        .select_related("document")
        .order_by("-created", "-pk")
    )
    for record in records:
        latest.setdefault(record.document.kind, record)
    return latest


@dataclass(frozen=True)
class ConsentState:
    kind: str
    document: ConsentDocument
    granted: bool | None  # None: never answered this kind
    granted_version: int | None
    needs_answer: bool  # mandatory and not granted at the current version


def consent_states(*, user: User) -> list[ConsentState]:
    decisions = consent_latest_decisions(user=user)
    states = []
    for kind, document in consent_documents_current().items():
        decision = decisions.get(kind)
        granted = decision.granted if decision else None
        version = decision.document.version if decision and decision.granted else None
        needs = document.mandatory and not (granted and version == document.version)
        states.append(ConsentState(kind, document, granted, version, needs))
    return states


def _consents_ok_key(user: User, current: dict[str, ConsentDocument]) -> str:
    signature = ".".join(str(d.pk) for _kind, d in sorted(current.items()) if d.mandatory)
    return f"accounts:consents-ok:{user.pk}:{signature}"


def consents_missing(*, user: User) -> list[ConsentDocument]:
    """Current mandatory documents the user has not agreed to (at their current version).

    Asked on every request by the consent gates, so a "nothing missing" answer is cached per
    user and set of documents: a new version changes the key, a new decision deletes it.
    """
    current = consent_documents_current()
    if not any(d.mandatory for d in current.values()):
        return []
    key = _consents_ok_key(user, current)
    if cache.get(key):
        return []
    missing = [s.document for s in consent_states(user=user) if s.needs_answer]
    if not missing:
        cache.set(key, True, timeout=3600)
    return missing


def consents_ok_cache_key(*, user: User) -> str:
    return _consents_ok_key(user, consent_documents_current())


def consent_given(*, user: User, kind: str) -> bool:
    """Has the user agreed to this kind (any version, not withdrawn)? For marketing and
    personalisation checks by notifications, promotions and recommendations."""
    record = (
        ConsentRecord.objects.filter(user=user, document__kind=kind)
        .order_by("-created", "-pk")
        .values_list("granted", flat=True)
        .first()
    )
    return bool(record)


def data_import_latest(*, user: User) -> DataImport | None:
    return DataImport.objects.filter(user=user).order_by("-created").first()


def privacy_zones_by_user(*, user_ids) -> dict[int, list[PrivacyZone]]:
    """The privacy zones of several people in one query (for lists of their activities); pass
    an owner's list to `track_privacy_filter(zones=...)`."""
    found: dict[int, list[PrivacyZone]] = {uid: [] for uid in user_ids}
    for z in PrivacyZone.objects.filter(user_id__in=list(found)).only(
        "pk", "user_id", "latitude", "longitude", "radius_m"
    ):
        found[z.user_id].append(z)
    return found


def track_privacy_filter(
    *, user_id: int, activity_id: int, zones: list[PrivacyZone] | None = None
) -> Callable[[float, float], bool] | None:
    """For showing one activity's track to other people: a predicate telling whether a point
    must be left out (apps.accounts.privacy_zones), or None when the owner has no zones.
    `zones`: the owner's zones if already read (`privacy_zones_by_user`)."""
    from apps.accounts import privacy_zones

    if zones is None:
        zones = list(
            PrivacyZone.objects.filter(user_id=user_id).only(
                "pk", "latitude", "longitude", "radius_m"
            )
        )
    zones = [
        privacy_zones.Zone(z.latitude, z.longitude, float(z.radius_m), key=z.pk) for z in zones
    ]
    if not zones:
        return None
    discs = privacy_zones.hidden_discs(
        zones, secret=settings.PRIVACY_ZONE_SECRET.encode(), activity_id=activity_id
    )
    return lambda lat, lng: privacy_zones.point_is_hidden(lat, lng, discs)
