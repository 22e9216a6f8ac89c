"""The endpoints in the access harness. Each app's issue adds its own here."""

from apps.accounts.models import User
from tests import access


def _user_row(user):
    return User.objects.filter(pk=user.pk).values("email", "display_name", "language").get()


access.own(
    "me: read",
    "get",
    url=lambda owner: "/api/v1/me/",
    make=lambda owner: owner,
    snapshot=_user_row,
    leaks=lambda owner: [owner.email, owner.display_name],
)
access.own(
    "me: update",
    "patch",
    url=lambda owner: "/api/v1/me/",
    make=lambda owner: owner,
    snapshot=_user_row,
    leaks=lambda owner: [owner.email],
    body={"display_name": "Changed by someone"},
)
