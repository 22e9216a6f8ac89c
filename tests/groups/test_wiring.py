"""groups and challenges sit beside each other in the layers and import neither the other:
challenges learns group membership from the composition root (config/wiring.py), and a
person's badges reach the profile page through challenges' template tag."""

import pytest
from django.utils import timezone

from apps.challenges import hooks as challenges_hooks
from apps.challenges.models import Badge, BadgeAward
from apps.groups import services as group_services
from config import wiring

pytestmark = pytest.mark.django_db


def test_challenges_know_group_membership_from_the_start(alice, bob, carol):
    group = group_services.group_create(owner=alice, name="Wired Club")
    group_services.group_join(user=bob, group=group)
    assert challenges_hooks.is_group_member(group.pk, bob.pk) is True
    assert challenges_hooks.is_group_member(group.pk, carol.pk) is False
    assert sorted(
        challenges_hooks.group_member_ids(group.pk).values_list("user_id", flat=True)
    ) == [
        alice.pk,
        bob.pk,
    ]


def test_connect_is_what_registers_it_and_can_run_again(alice):
    previous = (challenges_hooks.group_member, challenges_hooks.group_member_ids)
    group = group_services.group_create(owner=alice, name="Rewired Club")
    challenges_hooks.register_group_membership(None, None)
    try:
        assert challenges_hooks.is_group_member(group.pk, alice.pk) is False
        wiring.connect()
        assert challenges_hooks.is_group_member(group.pk, alice.pk) is True
    finally:
        challenges_hooks.register_group_membership(*previous)


def test_a_person_s_badges_show_on_their_profile_page(alice, bob, client):
    badge = Badge.objects.create(slug="night-owl", criterion="challenge")
    award = BadgeAward.objects.create(user=bob, badge=badge, awarded_at=timezone.now())
    client.force_login(alice)
    page = client.get(f"/people/{bob.pk}/")
    assert page.status_code == 200
    assert f"<li>{award.badge}</li>".encode() in page.content
    assert b"<h2>Badges</h2>" in page.content
    # Someone without badges: no badge section at all.
    page = client.get(f"/people/{alice.pk}/")
    assert b"<h2>Badges</h2>" not in page.content
