"""Activities, their streams and best efforts. Created only by `services.record_activity`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Visibility
from apps.core.models import TimeStampedModel


class Sport(models.TextChoices):
    RUN = "run", _("Run")
    TRAIL_RUN = "trail_run", _("Trail run")
    WALK = "walk", _("Walk")
    HIKE = "hike", _("Hike")
    RIDE = "ride", _("Ride")
    SWIM = "swim", _("Swim")
    YOGA = "yoga", _("Yoga")
    STRENGTH = "strength", _("Strength")
    OTHER = "other", _("Other")


DISTANCE_SPORTS = {"run", "trail_run", "walk", "hike", "ride", "swim"}


class Source(models.TextChoices):
    MANUAL = "manual", _("Typed in")
    FILE = "file", _("Uploaded file")
    PROVIDER = "provider", _("Synced")


class Activity(TimeStampedModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities"
    )
    sport = models.CharField(_("sport"), max_length=16, choices=Sport.choices)
    title = models.CharField(_("title"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    start_time = models.DateTimeField(_("start time"))
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    elapsed_s = models.PositiveIntegerField(_("elapsed time (s)"))
    moving_s = models.PositiveIntegerField(_("moving time (s)"))
    distance_m = models.FloatField(_("distance (m)"), null=True, blank=True)
    elevation_gain_m = models.FloatField(_("elevation gain (m)"), null=True, blank=True)
    elevation_loss_m = models.FloatField(_("elevation loss (m)"), null=True, blank=True)
    avg_heart_rate = models.PositiveSmallIntegerField(_("average heart rate"), null=True)
    max_heart_rate = models.PositiveSmallIntegerField(_("maximum heart rate"), null=True)
    avg_cadence = models.PositiveSmallIntegerField(_("average cadence"), null=True)
    avg_power = models.PositiveSmallIntegerField(_("average power (W)"), null=True)
    calories = models.PositiveIntegerField(_("calories"), null=True, blank=True)
    perceived_effort = models.PositiveSmallIntegerField(_("perceived effort"), null=True)
    training_load = models.FloatField(_("training load"), default=0.0)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.FOLLOWERS
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    provider = models.CharField(_("provider"), max_length=30, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    device_name = models.CharField(_("device"), max_length=100, blank=True)
    # Computed at recording time; read with the activity, never queried into.
    summary_polyline = models.TextField(_("summary polyline"), blank=True)
    splits_metric = models.JSONField(_("splits per km"), default=list, blank=True)
    splits_imperial = models.JSONField(_("splits per mile"), default=list, blank=True)
    laps = models.JSONField(_("laps"), default=list, blank=True)
    zones = models.JSONField(_("time in zones"), default=dict, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-start_time", "-id"]
        indexes = [
            models.Index(fields=["owner", "-start_time", "-id"], name="training_owner_time"),
            models.Index(fields=["visibility", "-start_time"], name="training_public_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "provider", "external_id"],
                condition=~models.Q(external_id=""),
                name="training_one_per_source_id",
            ),
            models.CheckConstraint(
                condition=models.Q(perceived_effort__isnull=True)
                | models.Q(perceived_effort__gte=1, perceived_effort__lte=10),
                name="training_effort_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_sport_display()} {self.start_time:%Y-%m-%d}"

    @property
    def end_time(self):
        from datetime import timedelta

        return self.start_time + timedelta(seconds=self.elapsed_s)


class ActivityStreams(models.Model):
    """The samples of an activity, packed (apps.training.streams); one row, one read."""

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, primary_key=True, related_name="streams"
    )
    samples = models.PositiveIntegerField(_("samples"))
    names = models.JSONField(_("streams"), default=list)
    data = models.BinaryField(_("packed streams"))

    class Meta:
        verbose_name = _("activity streams")
        verbose_name_plural = _("activity streams")

    def __str__(self) -> str:
        return f"{self.samples} samples of activity {self.activity_id}"


class ActivitySource(models.Model):
    """One place an activity came from: a typed entry, an uploaded file, a platform. The same
    workout from several places is one activity with several sources; the best one is primary
    (see `services.SOURCE_RANK`) and later ones may add stream channels the primary lacks.
    What each source said is kept here, so removing one re-derives the activity from the rest.
    """

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sources")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Source.choices)
    provider = models.CharField(_("provider"), max_length=30, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    # A file recorded by the device itself (FIT/GPX/TCX, uploaded or fetched from a platform),
    # as opposed to a platform's summary or its re-sampled streams.
    device_file = models.BooleanField(_("device file"), default=False)
    received_at = models.DateTimeField(_("received at"))
    start_time = models.DateTimeField(_("start time"))
    device_name = models.CharField(_("device"), max_length=100, blank=True)
    # The stream channels it brought (without "time"); empty: a summary only.
    channels = models.JSONField(_("channels"), default=list, blank=True)
    samples = models.PositiveIntegerField(_("samples"), default=0)
    # The figures it stated (elapsed_s, distance_m, laps, ...), to re-derive the activity.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    packed_streams = models.BinaryField(_("packed streams"), null=True, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    # The channels of the activity's streams taken from this source.
    contributed = models.JSONField(_("contributed channels"), default=list, blank=True)

    class Meta:
        verbose_name = _("activity source")
        verbose_name_plural = _("activity sources")
        ordering = ["activity", "-is_primary", "received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "provider", "external_id"],
                condition=~models.Q(external_id=""),
                name="training_source_once",
            ),
            models.UniqueConstraint(
                fields=["activity"],
                condition=models.Q(is_primary=True),
                name="training_source_one_primary",
            ),
        ]
        indexes = [
            models.Index(fields=["activity", "received_at"], name="training_source_activity"),
        ]

    def __str__(self) -> str:
        return f"{self.provider or self.kind} {self.external_id}".strip()

    @property
    def has_streams(self) -> bool:
        return bool(self.channels)


class BestEffort(models.Model):
    """The fastest stretch of a standard distance within one run."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="best_efforts")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    distance = models.CharField(_("distance"), max_length=10)
    elapsed_s = models.FloatField(_("time (s)"))
    start_s = models.FloatField(_("starts at (s)"))
    achieved_at = models.DateTimeField(_("achieved at"))
    # Whether this was the owner's fastest at the time it was recorded.
    was_record = models.BooleanField(_("personal record when set"), default=False)

    class Meta:
        verbose_name = _("best effort")
        verbose_name_plural = _("best efforts")
        indexes = [
            models.Index(fields=["owner", "distance", "elapsed_s"], name="training_effort_rank")
        ]
        constraints = [
            models.UniqueConstraint(fields=["activity", "distance"], name="training_effort_once")
        ]

    def __str__(self) -> str:
        return f"{self.distance} in {self.elapsed_s:.0f} s"


class Route(TimeStampedModel):
    """A path to run or ride again: from one of the owner's activities or an uploaded GPX."""

    MAX_POINTS = 2000

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routes"
    )
    name = models.CharField(_("name"), max_length=120)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    sport = models.CharField(_("sport"), max_length=16, choices=Sport.choices, default=Sport.RUN)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.ONLY_ME
    )
    distance_m = models.FloatField(_("distance (m)"))
    elevation_gain_m = models.FloatField(_("elevation gain (m)"), null=True, blank=True)
    # The whole path (at most MAX_POINTS points) as an encoded polyline, and its elevations.
    path = models.TextField(_("path"))
    elevations = models.JSONField(_("elevations"), default=list, blank=True)
    # Where the route lies, for "near a place": the middle of its bounding box (never its
    # start, which is often someone's door).
    center_lat = models.FloatField(_("centre latitude"))
    center_lng = models.FloatField(_("centre longitude"))
    source_activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        indexes = [
            models.Index(fields=["owner", "-created"], name="training_route_owner"),
            models.Index(
                fields=["center_lat", "center_lng"],
                condition=models.Q(visibility="public"),
                name="training_route_public_place",
            ),
        ]

    def __str__(self) -> str:
        return self.name


from apps.training.plans.models import PlanAdaptation, PlanEnrollment, PlanSession  # noqa: E402, F401
