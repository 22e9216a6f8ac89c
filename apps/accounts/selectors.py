from django.db.models import QuerySet

from apps.accounts.models import PrivacyZone, Profile, User


def user_get(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


def profile_for(*, user: User) -> Profile:
    """The user's profile; an unsaved default one if they never filled it in."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return Profile(user=user)


def privacy_zone_list(*, user: User) -> QuerySet[PrivacyZone]:
    return PrivacyZone.objects.filter(user=user)


def privacy_zone_get(*, user: User, zone_id: int) -> PrivacyZone | None:
    """Only the owner's zone: another user's id is simply not found."""
    return PrivacyZone.objects.filter(user=user, pk=zone_id).first()
