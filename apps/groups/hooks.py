"""Where the community plugs into the apps below and beside it (at start, from `apps.py`):
training learns who follows whom (for "followers" visibility) and who blocked whom (hidden
both ways), challenges who belongs to
which group (for group challenges and leaderboards)."""

from __future__ import annotations

from apps.challenges import services as challenges_services
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


def _group_member(group_id: int, user_id: int) -> bool:
    return selectors.is_member(user_id, group_id)


def _group_member_ids(group_id: int):
    return selectors.active_member_ids(group_id)


def connect() -> None:
    training_selectors.register_follow_lookup(_follows, _followed_ids)
    training_selectors.register_block_lookup(_blocked, _blocked_ids)
    challenges_services.register_group_membership(_group_member, _group_member_ids)
