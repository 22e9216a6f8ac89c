"""Demo community: Anna, Ivan and Maya follow each other, give kudos and comment on each
other's public runs, and meet in two groups, one with an upcoming event. Idempotent: follows,
kudos and memberships are made once; comments and groups only when missing."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.core import demo
from apps.groups import selectors, services
from apps.groups.models import Comment, Group, Kudos
from apps.training import selectors as training_selectors

PEOPLE = ("anna@stride.local", "ivan@stride.local", "maya@stride.local")
COMMENTS = ("Great pace!", "Lovely route, take me next time.", "Strong finish 💪")


@demo.register(order=60)
def seed_community() -> list[str]:
    people = {u.email: u for u in get_user_model().objects.filter(email__in=PEOPLE)}
    if len(people) < len(PEOPLE):
        return ["community: demo people missing, nothing seeded"]
    anna, ivan, maya = (people[e] for e in PEOPLE)
    follows = kudos = comments = 0
    for a in (anna, ivan, maya):
        for b in (anna, ivan, maya):
            if a != b and not selectors.follows(a, b):
                follow = services.follow_create(follower=a, followee_id=b.pk)
                if follow.status != "active":
                    services.follow_request_approve(user=b, follower_id=a.pk)
                follows += 1
    for giver, owner in ((anna, ivan), (ivan, maya), (maya, anna), (ivan, anna)):
        visible = training_selectors.visible_activities(viewer=giver, owner_id=owner.pk)
        if Kudos.objects.filter(user=giver, activity__in=visible.values("pk")).exists():
            continue  # seeded before: later demo runs (a live run) must not get more
        latest = list(visible[:3])
        for i, activity in enumerate(latest):
            _kudos, created = services.kudos_give(user=giver, activity_id=activity.pk)
            kudos += int(created)
            if i == 0 and not Comment.objects.filter(activity=activity, author=giver).exists():
                services.comment_create(
                    author=giver,
                    activity_id=activity.pk,
                    body=COMMENTS[(giver.pk + activity.pk) % len(COMMENTS)],
                )
                comments += 1
    groups = 0
    specs = (
        ("Isar Morning Runners", "isar-morning-runners", "public", anna, (ivan, maya)),
        ("Trail Friends", "trail-friends", "private", maya, (anna,)),
    )
    for name, slug, privacy, owner, members in specs:
        group = Group.objects.filter(slug=slug).first()
        if group is None:
            group = services.group_create(
                owner=owner,
                name=name,
                privacy=privacy,
                description="Demo group: easy runs together, all paces welcome.",
            )
            groups += 1
        for member in members:
            if not selectors.is_member(member, group):
                membership = services.group_join(user=member, group=group)
                if membership.status == "pending":
                    services.group_request_approve(actor=owner, group=group, user_id=member.pk)
        if not group.events.filter(starts_at__gte=timezone.now()).exists():
            starts = (timezone.now() + timedelta(days=3)).replace(
                hour=7, minute=0, second=0, microsecond=0
            )
            event = services.event_create(
                actor=owner,
                group=group,
                title="Saturday long run",
                starts_at=starts,
                place="Reichenbachbrücke",
                lat=48.1286,
                lng=11.5788,
            )
            for member in members:
                services.event_rsvp(user=member, event=event, answer="going")
    return [
        f"community: {follows} follows, {kudos} kudos, {comments} comments, {groups} groups new"
    ]
