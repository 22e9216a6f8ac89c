"""Writes on users. Every change of a user goes through here."""

from django.db import transaction

from apps.accounts.models import User


@transaction.atomic
def user_update(
    *, user: User, display_name: str | None = None, language: str | None = None
) -> User:
    """Change what a user may change about themselves."""
    fields: list[str] = []
    if display_name is not None:
        user.display_name = display_name.strip()
        fields.append("display_name")
    if language is not None:
        user.language = language
        fields.append("language")
    if fields:
        user.full_clean(exclude=["password"])
        user.save(update_fields=fields)
    return user
