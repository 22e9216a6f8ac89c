from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import StrideError


class FeedbackInvalid(StrideError):
    code = "FEEDBACK_INVALID"
    status = 400
    default_message = _("This feedback cannot be recorded.")


class KindInvalid(StrideError):
    code = "KIND_INVALID"
    status = 400
    default_message = _("Unknown kind: use workouts, challenges or products.")
