"""Recompute challenge progress from scratch: one challenge (by slug), or everything derived
for every person (--all: flags, leaderboard summaries, progress, badges)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.challenges import services
from apps.challenges.models import Challenge


class Command(BaseCommand):
    help = "Recompute challenge progress (and with --all every derived row) from activities."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="challenges to rebuild")
        parser.add_argument("--all", action="store_true", help="rebuild every person's rows")

    def handle(self, *args, slugs, all, **options):
        if all:
            for user in get_user_model().objects.order_by("pk").iterator():
                services.user_rebuild(user=user)
        for slug in slugs:
            challenge = Challenge.objects.filter(slug=slug).first()
            if challenge is None:
                raise CommandError(f"no challenge {slug!r}")
            count = services.challenge_rebuild(challenge=challenge)
            self.stdout.write(f"{slug}: {count} participants recomputed")
