"""The groups app tells challenges who belongs to a group: a group's leaderboard has its members
and only members read it."""

from datetime import date

import pytest

from apps.challenges import selectors as challenge_selectors
from apps.challenges.exceptions import GroupBoardForbidden
from apps.groups import services
from tests.accounts.factories import UserFactory
from tests.challenges.conftest import _run_commit_hooks, record  # noqa: F401 (its autouse fixture)

pytestmark = pytest.mark.django_db


def test_a_group_board_ranks_its_members_for_members_only():
    owner, member, outsider = UserFactory(), UserFactory(), UserFactory()
    group = services.group_create(owner=owner, name="Riverside Runners")
    services.group_join(user=member, group=group)
    for person, km in ((owner, 6), (member, 9), (outsider, 30)):
        record(person, km=km, minutes=60)

    board = challenge_selectors.leaderboard(
        viewer=member,
        sport="run",
        period="week",
        day=date(2026, 6, 3),
        scope="group",
        group_id=group.pk,
    )
    assert [(r.user_id, r.value) for r in board.rows] == [(member.pk, 9000.0), (owner.pk, 6000.0)]
    with pytest.raises(GroupBoardForbidden):
        challenge_selectors.leaderboard(
            viewer=outsider, sport="run", period="week", scope="group", group_id=group.pk
        )
