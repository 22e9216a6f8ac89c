"""`manage.py import_catalog feed.csv|feed.json [--partial]`: queue a catalog feed import (a
Celery job, run in-process when Celery is eager) and print its report id."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.gear import services


class Command(BaseCommand):
    help = "Import a product feed (CSV or JSON) into the gear catalog."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Only add and update; products missing from the feed stay available.",
        )

    def handle(self, *args, path: str, partial: bool, **options):
        feed = Path(path)
        if not feed.is_file():
            raise CommandError(f"no such file: {path}")
        source = "csv" if feed.suffix.lower() == ".csv" else "json"
        report = services.catalog_import_start(
            source=source, content=feed.read_bytes(), full=not partial
        )
        report.refresh_from_db()
        self.stdout.write(
            f"import report {report.pk}: {report.status}, {report.created_count} created, "
            f"{report.updated_count} updated, {report.unchanged_count} unchanged, "
            f"{report.deactivated_count} made unavailable, {len(report.rejected)} rejected"
        )
        for row in report.rejected:
            self.stdout.write(f"  row {row['row']} ({row['sku'] or '-'}): {row['reason']}")
