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


class SegmentInvalid(StrideError):
    code = "SEGMENT_INVALID"
    status = 400
    default_message = _("A segment needs a stretch of at least 100 m of a GPS activity.")


class SegmentInPrivacyZone(StrideError):
    code = "SEGMENT_IN_PRIVACY_ZONE"
    status = 400
    default_message = _("A segment cannot pass through one of your privacy zones.")


class GroupBoardForbidden(StrideError):
    code = "GROUP_BOARD_FORBIDDEN"
    status = 403
    default_message = _("Only members of this group can see its leaderboard.")


class SegmentNotYours(StrideError):
    code = "PERMISSION_DENIED"
    status = 403
    default_message = _("Only the person who made a segment can change it.")
