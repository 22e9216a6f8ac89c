from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import StrideError


class PlanNotFound(StrideError):
    code = "NOT_FOUND"
    status = 404
    default_message = _("Not found.")


class EnrollmentInvalid(StrideError):
    code = "VALIDATION_ERROR"
    status = 400
    default_message = _("The plan cannot start on that date.")


class EnrollmentNotActive(StrideError):
    code = "ENROLLMENT_NOT_ACTIVE"
    status = 409
    default_message = _("This plan is no longer active.")


class SessionNotPlanned(StrideError):
    code = "SESSION_NOT_PLANNED"
    status = 409
    default_message = _("Only a session that is still planned can be skipped or moved.")


class RescheduleInvalid(StrideError):
    code = "RESCHEDULE_INVALID"
    status = 400
    default_message = _("The session cannot move to that day.")


class DayTaken(StrideError):
    code = "DAY_TAKEN"
    status = 409
    default_message = _("Another session of this plan is already on that day.")
