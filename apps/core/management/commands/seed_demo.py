from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from apps.core import demo


class Command(BaseCommand):
    help = "Create (or refresh) demo data; safe to run again. Prints the demo logins."

    def handle(self, *args, **options):
        autodiscover_modules("demo")
        for name, seeder in demo.seeders():
            with transaction.atomic():
                lines = seeder()
            self.stdout.write(self.style.SUCCESS(f"[{name}]"))
            for line in lines:
                self.stdout.write(f"  {line}")
