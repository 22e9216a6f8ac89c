"""Demo chat history in the demo groups and a past live run with three runners (order 65,
after the community's seeder makes the groups). Registered from GroupsConfig.ready().
Idempotent: messages carry fixed client ids; the live run is made once (by title)."""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model

from apps.core import demo
from apps.groups import chat, live, selectors
from apps.groups.models import Group, LiveSession

PEOPLE = ("anna@stride.local", "ivan@stride.local", "maya@stride.local")
LINES = (
    (0, "Morning all! Who is in for Saturday?"),
    (1, "Me — easy pace please, my legs still feel Tuesday's intervals."),
    (2, "Count me in. Coffee afterwards at the bridge?"),
    (0, "Deal. Bring a jacket, it's windy along the river."),
    (1, "See you at 7 ☕"),
)
LIVE_TITLE = "Demo: Isar tempo together"
START = (48.1286, 11.5788)  # Reichenbachbrücke


def _chat(people) -> int:
    sent = 0
    for group in Group.objects.filter(memberships__user=people[0]).order_by("pk")[:2]:
        members = [p for p in people if selectors.is_member(p, group)]
        if len(members) < 2:
            continue
        conversation = chat.conversation_for_group(user=members[0], group=group)
        for i, (who, text) in enumerate(LINES):
            sender = members[who % len(members)]
            _message, created = chat.message_send(
                sender=sender,
                conversation=conversation,
                client_id=f"demo-{group.slug}-{i}",
                body=text,
            )
            sent += int(created)
    return sent


def _live_run(people) -> str:
    group = Group.objects.filter(memberships__user=people[0]).order_by("pk").first()
    if group is None or LiveSession.objects.filter(group=group, title=LIVE_TITLE).exists():
        return "no new live run"
    runners = [p for p in people if selectors.is_member(p, group)]
    session = live.session_create(actor=runners[0], group=group, title=LIVE_TITLE)
    live.session_start(actor=runners[0], session=session)
    t0 = time.time() - 3 * 3600  # three hours ago, ten minutes long
    for k, runner in enumerate(runners):
        live.session_join(user=runner, session=session, role="runner")
        speed = 0.000028 - k * 0.000002  # degrees of latitude a second: 3.1, 2.9, 2.7 m/s
        for i in range(600):
            live.point_accept(
                session_id=session.pk,
                user_id=runner.pk,
                frame={
                    "t": t0 + i,
                    "lat": START[0] + i * speed,
                    "lng": START[1] + 0.0004 * k,
                    "accuracy": 4,
                },
            )
    live.session_end(actor=runners[0], session=session)
    live.session_finalize(session_id=session.pk)  # also queued by the end; idempotent
    return f"live run with {len(runners)} runners"


@demo.register(order=65)
def seed_chat_and_live() -> list[str]:
    found = {u.email: u for u in get_user_model().objects.filter(email__in=PEOPLE)}
    if len(found) < len(PEOPLE):
        return ["chat and live: demo people missing, nothing seeded"]
    people = [found[e] for e in PEOPLE]
    sent = _chat(people)
    return [f"chat and live: {sent} chat messages new, {_live_run(people)}"]
