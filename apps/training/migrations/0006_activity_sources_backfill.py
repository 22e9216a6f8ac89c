"""Each activity recorded before sources existed gets its one source: the one it was made from,
primary, holding the activity's own figures and streams."""

from django.db import migrations

BATCH = 500
SUMMARY_FIELDS = (
    "elapsed_s",
    "moving_s",
    "distance_m",
    "elevation_gain_m",
    "elevation_loss_m",
    "avg_heart_rate",
    "max_heart_rate",
    "avg_cadence",
    "avg_power",
    "calories",
    "perceived_effort",
)


def backfill(apps, schema_editor):
    Activity = apps.get_model("training", "Activity")
    ActivitySource = apps.get_model("training", "ActivitySource")
    ActivityStreams = apps.get_model("training", "ActivityStreams")
    pending = Activity.objects.filter(sources__isnull=True).order_by("pk")
    last = 0
    while True:
        batch = list(pending.filter(pk__gt=last)[:BATCH])
        if not batch:
            break
        last = batch[-1].pk
        packed = {s.activity_id: s for s in ActivityStreams.objects.filter(activity__in=batch)}
        rows = []
        for activity in batch:
            stored = packed.get(activity.pk)
            names = stored.names if stored else []
            # Stored streams hold the distance computed from the positions: not a channel the
            # source brought.
            computed = {"time", "distance"} if "lat" in names else {"time"}
            channels = [n for n in names if n not in computed]
            summary = {name: getattr(activity, name) for name in SUMMARY_FIELDS}
            summary["laps"] = [
                {
                    "start_s": lap.get("start_s", 0),
                    "elapsed_s": lap.get("elapsed_s", 0),
                    "distance_m": lap.get("distance_m"),
                }
                for lap in activity.laps or []
                if isinstance(lap, dict)
            ]
            rows.append(
                ActivitySource(
                    activity=activity,
                    owner_id=activity.owner_id,
                    kind=activity.source,
                    provider=activity.provider,
                    external_id=activity.external_id,
                    device_file=activity.source == "file",
                    received_at=activity.created,
                    start_time=activity.start_time,
                    device_name=activity.device_name,
                    channels=channels,
                    samples=stored.samples if channels else 0,
                    summary=summary,
                    packed_streams=bytes(stored.data) if channels else None,
                    is_primary=True,
                    contributed=channels,
                )
            )
        ActivitySource.objects.bulk_create(rows)


def forget(apps, schema_editor):
    apps.get_model("training", "ActivitySource").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0005_activity_sources")]

    operations = [migrations.RunPython(backfill, forget)]
