"""What apps beside challenges in the layers (apps.groups) tell it about groups. Until groups
register here, a group challenge is open to nobody and a group board is empty."""

from collections.abc import Callable, Iterable

# is_member(group_id, user_id) -> bool
group_member: Callable[[int, int], bool] | None = None
# member_ids(group_id) -> the ids of the group's members (a queryset of ids is best: it stays
# one subquery in the board's query)
group_member_ids: Callable[[int], Iterable[int]] | None = None


def register_group_membership(
    is_member: Callable[[int, int], bool] | None,
    member_ids: Callable[[int], Iterable[int]] | None = None,
) -> None:
    """Hook for apps.groups: `is_member(group_id, user_id)` and `member_ids(group_id)`."""
    global group_member, group_member_ids
    group_member = is_member
    group_member_ids = member_ids


def is_group_member(group_id: int | None, user_id: int | None) -> bool:
    return (
        group_member is not None
        and group_id is not None
        and user_id is not None
        and bool(group_member(group_id, user_id))
    )
