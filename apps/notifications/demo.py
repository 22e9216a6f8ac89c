"""Demo notifications: a collapsed burst of kudos for each demo member, once."""

from django.contrib.auth import get_user_model

from apps.core import demo
from apps.notifications import services
from apps.notifications.models import Notification

FANS = ("Ben", "Chiara", "Dmitri")


@demo.register(order=30)
def seed_notifications() -> list[str]:
    members = get_user_model().objects.filter(
        email__endswith="@stride.local", is_staff=False, is_active=True
    )
    seeded = []
    for member in members.order_by("pk"):
        if Notification.objects.filter(user=member).exists():
            continue
        for fan in FANS:
            services.notify(
                member,
                "kudos",
                {"actor_name": fan, "activity_title": "Sunday long run", "url": "/notifications/"},
                collapse_key="demo:sunday-long-run",
            )
        seeded.append(member.email)
    if not seeded:
        return ["demo notifications already there"]
    return [f"{len(FANS)} kudos (one collapsed notification) for {', '.join(seeded)}"]
