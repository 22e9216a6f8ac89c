"""Notification kinds sent by challenges (templates under templates/notifications/<kind>/)."""

from django.utils.translation import gettext_lazy as _

from apps.notifications.kinds import Category, Kind, register

CHALLENGE_COMPLETED = register(
    Kind(name="challenge_completed", label=_("Challenges you finish"), category=Category.SOCIAL)
)
BADGE_AWARDED = register(
    Kind(name="badge_awarded", label=_("Badges you earn"), category=Category.SOCIAL)
)
