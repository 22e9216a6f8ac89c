"""Notification kinds sent by the community (templates under templates/notifications/<kind>/).
Kudos use the `kudos` kind the notifications app already defines."""

from django.utils.translation import gettext_lazy as _

from apps.notifications.kinds import Category, Channel, Kind, register

_SOCIAL = {Channel.IN_APP: True, Channel.EMAIL: False, Channel.PUSH: True, Channel.TELEGRAM: False}

NEW_FOLLOWER = register(
    Kind(
        name="new_follower",
        label=_("New followers"),
        category=Category.SOCIAL,
        defaults=_SOCIAL,
    )
)
FOLLOW_REQUEST = register(
    Kind(
        name="follow_request",
        label=_("Requests to follow you"),
        category=Category.SOCIAL,
        defaults=_SOCIAL,
    )
)
FOLLOW_ACCEPTED = register(
    Kind(
        name="follow_accepted",
        label=_("Your follow requests accepted"),
        category=Category.SOCIAL,
        defaults=_SOCIAL,
    )
)
COMMENT = register(
    Kind(
        name="comment",
        label=_("Comments on your activities"),
        category=Category.SOCIAL,
        defaults=_SOCIAL,
    )
)
MENTION = register(
    Kind(
        name="mention",
        label=_("Mentions of you in comments"),
        category=Category.SOCIAL,
        defaults=_SOCIAL,
    )
)
GROUP_JOIN_REQUEST = register(
    Kind(
        name="group_join_request",
        label=_("Requests to join your groups"),
        category=Category.SOCIAL,
        defaults=_SOCIAL,
    )
)
GROUP_JOIN_ACCEPTED = register(
    Kind(
        name="group_join_accepted",
        label=_("Your requests to join groups accepted"),
        category=Category.SOCIAL,
        defaults=_SOCIAL,
    )
)
MODERATION = register(
    Kind(
        name="moderation",
        label=_("Moderation decisions about you"),
        category=Category.TRANSACTIONAL,
        defaults={
            Channel.IN_APP: True,
            Channel.EMAIL: True,
            Channel.PUSH: False,
            Channel.TELEGRAM: False,
        },
    )
)
LIVE_RUN_STARTED = register(
    Kind(
        name="live_run_started",
        label=_("Live runs of events you answered"),
        category=Category.SOCIAL,
        defaults=_SOCIAL,
    )
)
