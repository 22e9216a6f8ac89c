"""The partners app's errors, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import StrideError


class PartnerInvalid(StrideError):
    code = "PARTNER_INVALID"
    status = 400
    default_message = _("Some fields are not valid.")


class PartnerNotFound(StrideError):
    code = "NOT_FOUND"
    status = 404
    default_message = _("No such partner.")


class PartnerStateInvalid(StrideError):
    code = "PARTNER_STATE_INVALID"
    status = 409
    default_message = _("The partner is not in a state that allows this.")


class EndpointInvalid(StrideError):
    code = "ENDPOINT_INVALID"
    status = 400
    default_message = _("The webhook endpoint is not valid.")


class SandboxOnly(StrideError):
    code = "SANDBOX_ONLY"
    status = 403
    default_message = _(
        "Sandbox credentials act only on your own account and your sandbox athletes. "
        "Ask for production access to act for other athletes."
    )


class IdempotencyKeyRequired(StrideError):
    code = "IDEMPOTENCY_KEY_REQUIRED"
    status = 400
    default_message = _(
        "Send an Idempotency-Key header (a new UUID per request) with every create."
    )
