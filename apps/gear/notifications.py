"""The notification gear sends: your gear is wearing out (75, 90, 100 %)."""

from django.utils.translation import gettext_lazy as _

from apps.notifications.kinds import Category, Channel, Kind, register

GEAR_WORN = register(
    Kind(
        name="gear_worn",
        label=_("Your gear is wearing out"),
        category=Category.TRANSACTIONAL,
        defaults={
            Channel.IN_APP: True,
            Channel.EMAIL: True,
            Channel.PUSH: True,
            Channel.TELEGRAM: False,
        },
    )
)
