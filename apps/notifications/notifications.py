"""The kinds of notification Stride sends today. Other apps add theirs in their own
`notifications.py`; these live here until their apps exist (kudos → groups)."""

from django.utils.translation import gettext_lazy as _

from apps.notifications.kinds import Category, Channel, Kind, register

KUDOS = register(
    Kind(
        name="kudos",
        label=_("Kudos on your activities"),
        category=Category.SOCIAL,
        defaults={
            Channel.IN_APP: True,
            Channel.EMAIL: True,
            Channel.PUSH: True,
            Channel.TELEGRAM: True,
        },
        collapse=True,
        collapse_delay=60,
    )
)
ANNOUNCEMENT = register(
    Kind(
        name="announcement",
        label=_("News and offers from Stride"),
        category=Category.MARKETING,
        defaults={
            Channel.IN_APP: True,
            Channel.EMAIL: True,
            Channel.PUSH: False,
            Channel.TELEGRAM: False,
        },
    )
)
DATA_EXPORT_READY = register(
    Kind(
        name="data_export_ready",
        label=_("Your data export is ready"),
        category=Category.TRANSACTIONAL,
        defaults={
            Channel.IN_APP: True,
            Channel.EMAIL: True,
            Channel.PUSH: False,
            Channel.TELEGRAM: False,
        },
    )
)
