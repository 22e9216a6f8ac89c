from rest_framework.permissions import BasePermission

from apps.accounts import selectors
from apps.accounts.exceptions import ConsentRequired


class ConsentsGiven(BasePermission):
    """Signed-in people must have agreed to the current mandatory documents; views that let
    them do so (or see, export or delete their data) set `consent_exempt = True`."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "consent_exempt", False) or not request.user.is_authenticated:
            return True
        missing = selectors.consents_missing(user=request.user)
        if missing:
            raise ConsentRequired(
                fields={d.kind: [d.text_in(request.LANGUAGE_CODE)[0]] for d in missing}
            )
        return True
