"""GDPR export and erasure of the community's data, and the demo seeder."""

import pytest
from django.core.management import call_command

from apps.core.personal_data import erasers, exporters
from apps.groups import selectors, services
from apps.groups.models import Comment, Follow, Group, GroupEvent, Kudos, Membership
from tests.groups.conftest import record_run

pytestmark = pytest.mark.django_db


def test_export_holds_follows_groups_kudos_comments_and_decisions(alice, bob, carol):
    run = record_run(bob)
    services.follow_create(follower=alice, followee_id=bob.pk)
    services.follow_create(follower=carol, followee_id=alice.pk)
    services.mute_create(muter=alice, muted_id=carol.pk)
    services.kudos_give(user=alice, activity_id=run.pk)
    services.comment_create(author=alice, activity_id=run.pk, body="Nice one")
    services.group_create(owner=alice, name="Club")

    data = exporters()["community"](alice.pk).data

    assert data["following"][0]["person"] == bob.pk
    assert data["followers"][0]["person"] == carol.pk
    assert data["muted"] == [carol.pk]
    assert data["kudos_given"] == [run.pk]
    assert data["comments"][0]["body"] == "Nice one"
    assert data["groups"][0]["role"] == "owner"
    assert data["moderation_decisions"] == []


def test_erasure_removes_the_person_and_hands_their_group_over(alice, bob, carol):
    run = record_run(bob)
    services.follow_create(follower=alice, followee_id=bob.pk)
    services.follow_create(follower=bob, followee_id=alice.pk)
    services.kudos_give(user=alice, activity_id=run.pk)
    services.comment_create(author=alice, activity_id=run.pk, body="Nice one")
    club = services.group_create(owner=alice, name="Club")
    services.group_join(user=bob, group=club)
    services.group_join(user=carol, group=club)
    services.member_role_set(actor=alice, group=club, user_id=carol.pk, role="admin")
    lonely = services.group_create(owner=alice, name="Lonely")

    dict(erasers())["community"](alice.pk)

    assert not Follow.objects.exists()
    assert not Kudos.objects.exists() and not Comment.objects.exists()
    assert not Membership.objects.filter(user=alice).exists()
    assert selectors.member_role(carol, club) == "owner"
    assert not Group.objects.filter(pk=lonely.pk).exists()


def test_seed_demo_grows_follows_kudos_comments_and_groups():
    call_command("seed_demo")
    counts = (
        Follow.objects.count(),
        Kudos.objects.count(),
        Comment.objects.count(),
        Group.objects.count(),
        GroupEvent.objects.count(),
    )
    call_command("seed_demo")

    assert counts == (
        Follow.objects.count(),
        Kudos.objects.count(),
        Comment.objects.count(),
        Group.objects.count(),
        GroupEvent.objects.count(),
    )
    assert counts[0] == 6 and counts[3] == 2 and counts[4] == 2
    assert counts[1] > 0 and counts[2] > 0
    assert Follow.objects.filter(status="active").count() == 6
