"""Challenges, participations, badges, points and leaderboard summaries.

Written only by `services`; progress and leaderboard rows are derived data, recomputed from the
owner's activities, so a replayed event changes nothing."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.training.models import Sport


class Metric(models.TextChoices):
    DISTANCE = "distance", _("Distance")
    TIME = "time", _("Moving time")
    ELEVATION = "elevation", _("Elevation gain")
    ACTIVITIES = "activities", _("Number of activities")
    STREAK = "streak", _("Days in a row")


class Scope(models.TextChoices):
    GLOBAL = "global", _("Everyone")
    COUNTRY = "country", _("One country")
    REGION = "region", _("One region")
    GROUP = "group", _("One group")


class Translated(models.Model):
    """Title and description in several languages, as data: {"en": ..., "ru": ..., "de": ...}."""

    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)

    class Meta:
        abstract = True

    def _pick(self, values: dict) -> str:
        language = (translation.get_language() or "en").split("-")[0]
        return values.get(language) or values.get("en") or next(iter(values.values()), "")

    @property
    def title_text(self) -> str:
        return self._pick(self.title or {})

    @property
    def description_text(self) -> str:
        return self._pick(self.description or {})


class Badge(Translated, TimeStampedModel):
    """A badge in the catalog. `criterion` names a rule of apps.challenges.badges (or
    "challenge" for a challenge's own badge); `threshold` is its figure (metres, days)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    criterion = models.CharField(_("criterion"), max_length=30)
    threshold = models.FloatField(_("threshold"), default=0)
    image = models.CharField(_("image"), max_length=200, default="challenges/badges/finisher.svg")

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class BadgeAward(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards"
    )
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="awards")
    awarded_at = models.DateTimeField(_("awarded at"))
    activity_id = models.BigIntegerField(_("activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("badge award")
        verbose_name_plural = _("badge awards")
        constraints = [
            models.UniqueConstraint(fields=["user", "badge"], name="challenges_badge_once")
        ]
        indexes = [models.Index(fields=["user", "-awarded_at"], name="challenges_cabinet")]

    def __str__(self) -> str:
        return f"{self.badge_id} for {self.user_id}"


class Challenge(Translated, TimeStampedModel):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    metric = models.CharField(_("metric"), max_length=12, choices=Metric.choices)
    # Metres, seconds, metres, a count or days, by metric.
    target = models.FloatField(_("target"))
    sport = models.CharField(
        _("sport"), max_length=16, choices=Sport.choices, blank=True, help_text=_("Empty: any")
    )
    # Calendar days, read in each participant's own time zone.
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default="global")
    country = models.CharField(_("country"), max_length=2, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    # Groups arrive with apps.groups; until then a plain id checked through
    # `services.register_group_membership`.
    group_id = models.BigIntegerField(_("group"), null=True, blank=True)
    exclude_manual = models.BooleanField(_("exclude typed-in activities"), default=False)
    points = models.PositiveIntegerField(_("points on completion"), default=0)
    badge = models.ForeignKey(
        Badge, on_delete=models.PROTECT, null=True, blank=True, related_name="challenges"
    )
    published = models.BooleanField(_("published"), default=True)
    # A new challenge rolled out to one variant of an experiment of apps.experiments (by its
    # key): listed only to the people in `variant` (empty: every variant but the control).
    experiment = models.SlugField(
        _("experiment"),
        max_length=60,
        blank=True,
        help_text=_(
            "Key of an experiment: the challenge is listed only to people in the variant "
            "below. Clear it to list the challenge to everybody."
        ),
    )
    variant = models.CharField(
        _("variant"),
        max_length=40,
        blank=True,
        help_text=_("With an experiment: the variant that sees it (empty: all but the control)."),
    )

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-start_date", "id"]
        indexes = [models.Index(fields=["published", "end_date"], name="challenges_open")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="challenges_window_ordered",
            ),
            models.CheckConstraint(condition=models.Q(target__gt=0), name="challenges_target"),
        ]

    def __str__(self) -> str:
        return self.slug


class Participation(models.Model):
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="participations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    joined_at = models.DateTimeField(_("joined at"))
    progress = models.FloatField(_("progress"), default=0)
    activities = models.PositiveIntegerField(_("activities counted"), default=0)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="challenges_join_once")
        ]
        indexes = [
            models.Index(fields=["challenge", "-progress", "user"], name="challenges_ranking"),
            models.Index(fields=["user", "challenge"], name="challenges_mine"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.challenge_id}"


class FlaggedActivity(models.Model):
    """An activity left out of challenges and leaderboards (implausible speed)."""

    activity = models.OneToOneField(
        "training.Activity", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=30)
    speed_mps = models.FloatField(_("speed (m/s)"))
    flagged_at = models.DateTimeField(_("flagged at"))

    class Meta:
        verbose_name = _("flagged activity")
        verbose_name_plural = _("flagged activities")

    def __str__(self) -> str:
        return f"activity {self.activity_id}: {self.reason}"


class PointsLedger(models.Model):
    """Points given locally until the promos app takes over (apps.challenges.points)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=100)
    created = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        constraints = [
            models.UniqueConstraint(fields=["user", "reason"], name="challenges_points_once")
        ]

    def __str__(self) -> str:
        return f"{self.points} for {self.reason}"


class Period(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class LeaderboardEntry(models.Model):
    """One person's totals for one sport in one week or month (of their own calendar):
    recomputed for that person and period whenever one of their activities changes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sport = models.CharField(_("sport"), max_length=16, choices=Sport.choices)
    period = models.CharField(_("period"), max_length=5, choices=Period.choices)
    period_start = models.DateField(_("period start"))
    country = models.CharField(_("country"), max_length=2, blank=True)
    distance_m = models.FloatField(_("distance (m)"), default=0)
    moving_s = models.PositiveIntegerField(_("moving time (s)"), default=0)
    elevation_m = models.FloatField(_("elevation gain (m)"), default=0)
    activities = models.PositiveIntegerField(_("activities"), default=0)

    class Meta:
        verbose_name = _("leaderboard entry")
        verbose_name_plural = _("leaderboard entries")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sport", "period", "period_start"], name="challenges_lb_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["sport", "period", "period_start", "-distance_m", "user"],
                name="challenges_lb_distance",
            ),
            models.Index(
                fields=["sport", "period", "period_start", "-moving_s", "user"],
                name="challenges_lb_time",
            ),
            models.Index(
                fields=["sport", "period", "period_start", "-elevation_m", "user"],
                name="challenges_lb_elevation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.sport} {self.period} {self.period_start}"


class ActivityContribution(models.Model):
    """Where an activity was last counted (its sport and local day), so that an edit or a
    deletion recomputes the periods it left as well as the ones it joined."""

    activity_id = models.BigIntegerField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sport = models.CharField(max_length=16)
    local_date = models.DateField()

    def __str__(self) -> str:
        return f"activity {self.activity_id} on {self.local_date}"


class LeaderboardSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="leaderboard_settings",
        primary_key=True,
    )
    hidden = models.BooleanField(_("hide me from leaderboards"), default=False)

    class Meta:
        verbose_name = _("leaderboard setting")
        verbose_name_plural = _("leaderboard settings")

    def __str__(self) -> str:
        return f"{self.user_id} hidden={self.hidden}"


class Segment(TimeStampedModel):
    """A stretch of road or trail cut from one of its creator's GPS activities."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="segments"
    )
    name = models.CharField(_("name"), max_length=120)
    sport = models.CharField(_("sport"), max_length=16, choices=Sport.choices)
    points = models.JSONField(_("points"))  # [[lat, lng], ...], at most MAX_POINTS
    distance_m = models.FloatField(_("distance (m)"))
    # The grid cell of the start (apps.challenges.matching.cell): the prefilter's index.
    start_cell = models.BigIntegerField(_("start cell"))
    source_activity_id = models.BigIntegerField(_("created from activity"), null=True)

    MAX_POINTS = 500

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        indexes = [models.Index(fields=["start_cell", "sport"], name="challenges_segment_cell")]

    def __str__(self) -> str:
        return self.name


class SegmentEffort(models.Model):
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="efforts")
    activity = models.ForeignKey("training.Activity", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    elapsed_s = models.FloatField(_("time (s)"))
    start_index = models.PositiveIntegerField()
    end_index = models.PositiveIntegerField()
    started_at = models.DateTimeField(_("started at"))
    # Private activities and passes through the athlete's privacy zones count only for them.
    hidden = models.BooleanField(_("only for the athlete"), default=False)
    # From the athlete's profile when matched, for the sex and age-group boards.
    sex = models.CharField(_("sex"), max_length=10, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)

    class Meta:
        verbose_name = _("segment effort")
        verbose_name_plural = _("segment efforts")
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "activity", "start_index"], name="challenges_effort_once"
            )
        ]
        indexes = [
            models.Index(fields=["segment", "elapsed_s", "user"], name="challenges_effort_rank"),
            models.Index(fields=["user", "segment", "elapsed_s"], name="challenges_effort_mine"),
        ]

    def __str__(self) -> str:
        return f"{self.segment_id}: {self.elapsed_s:.0f} s"


class ActivityCell(models.Model):
    """The grid cells (apps.challenges.matching.cell) an activity's track crosses: how a new
    segment finds everyone's earlier activities near its start without scanning tracks."""

    activity = models.ForeignKey("training.Activity", on_delete=models.CASCADE, related_name="+")
    cell = models.BigIntegerField()
    sport = models.CharField(max_length=16, choices=Sport.choices)
    start_time = models.DateTimeField()

    class Meta:
        verbose_name = _("activity grid cell")
        verbose_name_plural = _("activity grid cells")
        constraints = [
            models.UniqueConstraint(fields=["activity", "cell"], name="challenges_cell_once")
        ]
        indexes = [
            models.Index(fields=["cell", "sport", "-start_time"], name="challenges_cell_recent")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} @ {self.cell}"
