"""The notification partners sends: a webhook endpoint was disabled after failing for days."""

from django.utils.translation import gettext_lazy as _

from apps.notifications.kinds import Category, Channel, Kind, register

ENDPOINT_DISABLED = register(
    Kind(
        name="partner_endpoint_disabled",
        label=_("A webhook endpoint of your partner app was disabled"),
        category=Category.TRANSACTIONAL,
        defaults={
            Channel.IN_APP: True,
            Channel.EMAIL: True,
            Channel.PUSH: False,
            Channel.TELEGRAM: False,
        },
    )
)
