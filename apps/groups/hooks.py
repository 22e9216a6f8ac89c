"""Where the community plugs into the apps below and beside it. Training (below) learns at
start, from `apps.py`, who follows whom (for "followers" visibility), who blocked whom (hidden
both ways) and which activities a moderator hid. Challenges (beside groups in the layers, so
neither imports the other) learns who belongs to which group through `membership_lookups`,
which the composition root `config/wiring.py` hands to `apps.challenges.hooks`."""

from __future__ import annotations

from apps.groups import selectors
from apps.training import selectors as training_selectors


def _follows(viewer_id: int, owner_id: int) -> bool:
    return selectors.follows(viewer_id, owner_id)


def _followed_ids(viewer_id: int):
    return selectors.followed_ids(viewer_id)


def _blocked(viewer_id: int, owner_id: int) -> bool:
    return selectors.is_blocked_between(viewer_id, owner_id)


def _blocked_ids(viewer_id: int) -> set[int]:
    return selectors.blocked_ids(viewer_id)


def _activity_hidden(activity_id: int) -> bool:
    return selectors.activity_hidden(activity_id=activity_id)


def _hidden_activity_ids():
    return selectors.hidden_activity_ids()


def _group_member(group_id: int, user_id: int) -> bool:
    return selectors.is_member(user_id, group_id)


def _group_member_ids(group_id: int):
    return selectors.active_member_ids(group_id)


def membership_lookups():
    """`(is_member(group_id, user_id), member_ids(group_id))` for apps beside groups."""
    return _group_member, _group_member_ids


def connect() -> None:
    training_selectors.register_follow_lookup(_follows, _followed_ids)
    training_selectors.register_block_lookup(_blocked, _blocked_ids)
    training_selectors.register_moderation_lookup(_activity_hidden, _hidden_activity_ids)
