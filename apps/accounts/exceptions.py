from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import StrideError


class TooManyPrivacyZones(StrideError):
    code = "TOO_MANY_PRIVACY_ZONES"
    status = 400
    default_message = _("You can have at most 10 privacy zones.")


class MandatoryConsentRefused(StrideError):
    code = "MANDATORY_CONSENT_REFUSED"
    status = 400
    default_message = _(
        "Stride cannot work without this agreement. If you do not agree, you can delete your "
        "account."
    )


class ConsentRequired(StrideError):
    code = "CONSENT_REQUIRED"
    status = 403
    default_message = _("Please review and accept the updated terms before continuing.")


class WrongPassword(StrideError):
    code = "WRONG_PASSWORD"
    status = 400
    default_message = _("That is not your password. Enter your current password to confirm.")


class TooManyPasswordAttempts(StrideError):
    code = "RATE_LIMITED"
    status = 429
    default_message = _("Too many wrong passwords. Wait a minute and try again.")
    retry_after = 60  # allauth's "reauthenticate" limit counts per minute


class InvalidArchive(StrideError):
    code = "INVALID_ARCHIVE"
    status = 400
    default_message = _(
        "This file is not a Stride data export. Upload the .zip file you downloaded."
    )
