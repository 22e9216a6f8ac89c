"""What the notifications app asks accounts at run time (it sits below and cannot import us):
who agreed to marketing messages. Imported by notifications' autodiscovery."""

from apps.accounts.models import ConsentKind, ConsentRecord
from apps.notifications import hooks


def marketing_consenting(user_ids: list[int]) -> set[int]:
    """Of these people, those whose latest marketing decision is a yes: one query."""
    latest: dict[int, bool] = {}
    rows = (
        ConsentRecord.objects.filter(user_id__in=user_ids, document__kind=ConsentKind.MARKETING)
        .order_by("user_id", "-created", "-pk")
        .values_list("user_id", "granted")
    )
    for user_id, granted in rows:
        latest.setdefault(user_id, granted)
    return {user_id for user_id, granted in latest.items() if granted}


hooks.register_marketing_consent(marketing_consenting)
