"""The community's errors, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import PermissionDenied, StrideError


class CommunityInvalid(StrideError):
    code = "COMMUNITY_INVALID"
    status = 400
    default_message = _("Some fields are not valid.")


class NotFound(StrideError):
    code = "NOT_FOUND"
    status = 404
    default_message = _("Not found.")


class CannotFollow(StrideError):
    code = "CANNOT_FOLLOW"
    status = 403
    default_message = _("You cannot follow this person.")


class Blocked(StrideError):
    code = "BLOCKED"
    status = 403
    default_message = _("This is not possible between you and this person.")


class Suspended(StrideError):
    code = "SUSPENDED"
    status = 403
    default_message = _(
        "Your account is suspended from the community for now; you can appeal the decision."
    )


class NotGroupAdmin(PermissionDenied):
    code = "PERMISSION_DENIED"
    status = 403
    default_message = _("Only the group's owners and admins can do this.")


class CannotJoin(StrideError):
    code = "CANNOT_JOIN"
    status = 403
    default_message = _("This group is invite only; ask a member for an invite link.")


class InviteInvalid(StrideError):
    code = "INVITE_INVALID"
    status = 404
    default_message = _("This invite link is not valid any more; ask for a new one.")


class LastOwner(StrideError):
    code = "LAST_OWNER"
    status = 409
    default_message = _(
        "You are the group's last owner: make another member owner before you leave."
    )


class AlreadyAppealed(StrideError):
    code = "ALREADY_APPEALED"
    status = 409
    default_message = _("You have already appealed this decision.")
