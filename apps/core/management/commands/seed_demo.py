from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import autodiscover_modules

from apps.core import demo


class Command(BaseCommand):
    help = "Create (or refresh) demo data; safe to run again. Prints the demo logins."

    def handle(self, *args, **options):
        autodiscover_modules("demo")
        # Demo data makes notifications (kudos, badges, worn shoes): they stay in the app, but
        # no mail goes to the demo addresses nor floods the `make run` console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._seed()

    def _seed(self):
        for name, seeder in demo.seeders():
            with transaction.atomic():
                lines = seeder()
            self.stdout.write(self.style.SUCCESS(f"[{name}]"))
            for line in lines:
                self.stdout.write(f"  {line}")
