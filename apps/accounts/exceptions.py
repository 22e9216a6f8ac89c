from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import StrideError


class TooManyPrivacyZones(StrideError):
    code = "TOO_MANY_PRIVACY_ZONES"
    status = 400
    default_message = _("You can have at most 10 privacy zones.")
