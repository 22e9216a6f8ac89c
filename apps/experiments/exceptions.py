from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import StrideError


class ExperimentNotFound(StrideError):
    code = "EXPERIMENT_NOT_FOUND"
    status = 404
    default_message = _("No such experiment.")
