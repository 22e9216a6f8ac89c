"""`manage.py partners_conformance --url URL (--endpoint ID | --secret whsec_…)`: run the
webhook conformance check against a receiver and print what passed (exit 1 if anything
failed)."""

from django.core.management.base import BaseCommand, CommandError

from apps.core import crypto
from apps.partners import conformance
from apps.partners.models import WebhookEndpoint


class Command(BaseCommand):
    help = "Send signed events, a duplicate, a bad signature, a stale timestamp and a burst."

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help="The receiver to check.")
        parser.add_argument("--endpoint", type=int, help="Sign with this endpoint's secret.")
        parser.add_argument(
            "--secret", help="Sign with this whsec_… secret (or set it in --endpoint)."
        )

    def handle(self, *args, url, endpoint=None, secret=None, **options):
        if endpoint is not None:
            found = WebhookEndpoint.objects.filter(pk=endpoint).first()
            if found is None:
                raise CommandError(f"No webhook endpoint {endpoint}.")
            secret = crypto.decrypt(found.secret)
        if not secret or not secret.startswith("whsec_"):
            raise CommandError("Give --endpoint or a --secret starting with whsec_.")
        report = conformance.run(url=url, secret=secret)
        for line in report.lines():
            self.stdout.write(line)
        if not report.passed:
            raise CommandError("The receiver does not conform.")
