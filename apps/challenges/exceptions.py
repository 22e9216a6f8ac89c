from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import StrideError


class ChallengeClosed(StrideError):
    code = "CHALLENGE_CLOSED"
    status = 409
    default_message = _("This challenge has ended.")


class ChallengeNotEligible(StrideError):
    code = "CHALLENGE_NOT_ELIGIBLE"
    status = 403
    default_message = _("This challenge is not open to you.")
