"""Errors of the notifications app, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import StrideError


class UnknownKind(StrideError):
    code = "NOTIFICATION_KIND_UNKNOWN"
    default_message = _("There is no such kind of notification.")


class InvalidUnsubscribeToken(StrideError):
    code = "UNSUBSCRIBE_TOKEN_INVALID"
    default_message = _("This unsubscribe link is not valid.")


class TelegramNotConfigured(StrideError):
    code = "TELEGRAM_NOT_CONFIGURED"
    status = 409
    default_message = _("Telegram is not set up on this server.")


class DeliveryFailure(Exception):
    """Raised by a channel sender. `reason` is shown to staff (and, when permanent, to the
    person): it must never contain a secret or a URL with one."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason[:300]


class PermanentFailure(DeliveryFailure):
    """Retrying will not help. With `disable`, the channel will not work for this person until
    they fix it: turn it off for them and show why."""

    def __init__(self, reason: str, *, disable: bool = True):
        super().__init__(reason)
        self.disable = disable


class TransientFailure(DeliveryFailure):
    """Try again later (network, 5xx, rate limit)."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


class NothingToSend(DeliveryFailure):
    """The channel has no target any more (no address, unlinked, no subscription)."""
