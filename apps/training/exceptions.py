from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import StrideError


class ActivityInvalid(StrideError):
    code = "VALIDATION_ERROR"
    status = 400
    default_message = _("Some figures of the activity are not plausible.")
