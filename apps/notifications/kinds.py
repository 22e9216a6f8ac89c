"""The registry of notification kinds.

An app declares the notifications it sends in its own `notifications.py` (imported at start by
`autodiscover()`), e.g. ::

    from apps.notifications.kinds import Kind, register

    register(Kind(name="kudos", label=_("Kudos"), collapse=True))

Each kind has templates per channel under `templates/notifications/<kind>/`: `in_app.txt`,
`email_subject.txt`, `email.txt`, `email.html`, `push.txt`, `telegram.txt` (translated with
`{% translate %}`; rendered in the recipient's language), a default on/off per channel, and a
category: transactional (always allowed, no unsubscribe link) or marketing (needs the user's
marketing consent on every channel but in-app, carries a one-click unsubscribe).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    PUSH = "push", _("Browser push")
    TELEGRAM = "telegram", _("Telegram")


EXTERNAL_CHANNELS = (Channel.EMAIL, Channel.PUSH, Channel.TELEGRAM)


class Category(models.TextChoices):
    TRANSACTIONAL = "transactional", _("Transactional")
    SOCIAL = "social", _("Social")
    MARKETING = "marketing", _("Marketing")


DEFAULT_CHANNELS = {
    Channel.IN_APP: True,
    Channel.EMAIL: True,
    Channel.PUSH: True,
    Channel.TELEGRAM: True,
}


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    category: str = Category.SOCIAL
    defaults: dict[str, bool] = field(default_factory=lambda: dict(DEFAULT_CHANNELS))
    # Bursts about the same object (same collapse key) while unread become one notification.
    collapse: bool = False
    # External channels wait this long so that a burst goes out as one message.
    collapse_delay: int = 0

    @property
    def transactional(self) -> bool:
        return self.category == Category.TRANSACTIONAL

    @property
    def marketing(self) -> bool:
        return self.category == Category.MARKETING

    def default_for(self, channel: str) -> bool:
        return bool(self.defaults.get(channel, False))

    def template(self, part: str) -> str:
        return f"notifications/{self.name}/{part}"


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.name in _kinds and _kinds[kind.name] != kind:
        raise ValueError(f"notification kind {kind.name!r} is registered twice")
    _kinds[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    autodiscover()
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"unknown notification kind {name!r}") from None


def all_kinds() -> list[Kind]:
    autodiscover()
    return sorted(_kinds.values(), key=lambda k: k.name)


_discovered = False


def autodiscover() -> None:
    """Import `notifications` of every installed app so their kinds register."""
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("notifications")
