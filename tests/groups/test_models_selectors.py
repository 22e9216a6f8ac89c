"""The graph and membership selectors other code (and the chat/live helper) relies on."""

import pytest
from django.db import IntegrityError, transaction

from apps.challenges import hooks as challenges_hooks
from apps.groups import selectors
from apps.groups.models import Block, Follow, Group, Membership, Role
from apps.training import selectors as training_selectors
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_follows_counts_only_approved_follows_one_way():
    a, b = UserFactory(), UserFactory()
    Follow.objects.create(follower=a, followee=b, status=Follow.Status.PENDING)
    assert selectors.follows(a, b) is False
    Follow.objects.filter(follower=a).update(status=Follow.Status.ACTIVE)
    assert selectors.follows(a, b) is True
    assert selectors.follows(b, a) is False
    assert selectors.follows(a.pk, b.pk) is True


def test_is_blocked_between_works_both_ways():
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    Block.objects.create(blocker=a, blocked=b)
    assert selectors.is_blocked_between(a, b) is True
    assert selectors.is_blocked_between(b, a) is True
    assert selectors.is_blocked_between(a, c) is False
    assert selectors.blocked_ids(b) == {a.pk}


def test_membership_selectors_ignore_pending_requests():
    owner, asking, stranger = UserFactory(), UserFactory(), UserFactory()
    group = Group.objects.create(name="Runners", slug="runners", privacy="private")
    Membership.objects.create(group=group, user=owner, role=Role.OWNER)
    Membership.objects.create(group=group, user=asking, status=Membership.Status.PENDING)
    assert selectors.is_member(owner, group) is True
    assert selectors.member_role(owner, group) == "owner"
    assert selectors.is_member(asking, group) is False
    assert selectors.member_role(asking, group) is None
    assert selectors.member_role(stranger, group) is None


def test_a_pending_membership_cannot_carry_a_role():
    group = Group.objects.create(name="Runners", slug="runners")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            group=group, user=UserFactory(), role=Role.ADMIN, status=Membership.Status.PENDING
        )


def test_nobody_follows_or_blocks_themselves():
    a = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=a, followee=a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Block.objects.create(blocker=a, blocked=a)


def test_hooks_are_registered_in_training_and_challenges():
    a, b = UserFactory(), UserFactory()
    Follow.objects.create(follower=a, followee=b)
    assert training_selectors._follows(a.pk, b.pk) is True
    assert list(training_selectors._followed_ids(a.pk).values_list("followee_id", flat=True)) == [
        b.pk
    ]
    group = Group.objects.create(name="Runners", slug="runners")
    Membership.objects.create(group=group, user=a)
    assert challenges_hooks.is_group_member(group.pk, a.pk) is True
    assert challenges_hooks.is_group_member(group.pk, b.pk) is False
