"""The notification promos sends: a new offer for you (marketing: needs consent off the app)."""

from django.utils.translation import gettext_lazy as _

from apps.notifications.kinds import Category, Channel, Kind, register

PROMOTION_NEW = register(
    Kind(
        name="promotion_new",
        label=_("Offers for you"),
        category=Category.MARKETING,
        defaults={
            Channel.IN_APP: True,
            Channel.EMAIL: True,
            Channel.PUSH: False,
            Channel.TELEGRAM: False,
        },
    )
)
