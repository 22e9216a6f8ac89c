"""Training plans: an athlete's enrollment in a plan template, its dated sessions and the weekly
adaptations. Templates live in code (`catalog`); only what is personal is stored."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel

__all__ = ["PlanAdaptation", "PlanEnrollment", "PlanSession"]


class PlanEnrollment(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        ABANDONED = "abandoned", _("Stopped")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_enrollments"
    )
    plan_slug = models.CharField(_("plan"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    start_date = models.DateField(_("first day"))
    race_date = models.DateField(_("race day"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # The athlete's 10 km pace when they enrolled (s per km): turns efforts into paces.
    threshold_pace_s = models.PositiveIntegerField(_("10 km pace (s per km)"), null=True)
    volume_factor = models.FloatField(_("volume factor"), default=1.0)
    calendar_token = models.CharField(_("calendar token"), max_length=64, unique=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan enrollment")
        verbose_name_plural = _("plan enrollments")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "plan_slug"],
                condition=models.Q(status="active"),
                name="plans_one_active_enrollment_per_plan",
            ),
            models.CheckConstraint(
                condition=models.Q(volume_factor__gte=0.5, volume_factor__lte=1.5),
                name="plans_volume_factor_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_slug} from {self.start_date}"


class PlanSession(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    class Adjustment(models.TextChoices):
        SHORTEN = "shorten", _("Shortened")
        EASY = "easy", _("Swapped for an easy run")
        CAP = "cap", _("Long run capped")

    enrollment = models.ForeignKey(
        PlanEnrollment, on_delete=models.CASCADE, related_name="sessions"
    )
    index = models.PositiveSmallIntegerField(_("number in the plan"))
    week = models.PositiveSmallIntegerField(_("plan week"))  # 0-based
    date = models.DateField(_("date"))  # in the enrollment's time zone
    planned_date = models.DateField(_("originally planned for"))
    sport = models.CharField(_("sport"), max_length=16)
    kind = models.CharField(_("kind"), max_length=16)
    focus = models.CharField(_("focus"), max_length=16, blank=True)
    steps = models.JSONField(_("steps"), default=list)
    target_distance_m = models.FloatField(_("target distance (m)"), null=True, blank=True)
    target_duration_s = models.PositiveIntegerField(_("target duration (s)"))
    planned_load = models.FloatField(_("planned load"), default=0.0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    activity = models.ForeignKey(
        "training.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_sessions",
    )
    # The id of the completing activity, kept when it is deleted so that its
    # `activity_deleted` event finds the session to reopen (the foreign key is nulled by then).
    completed_by_activity_id = models.BigIntegerField(_("completed by activity"), null=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # How the weekly adaptation changed this one session on top of the week's volume (empty:
    # not changed), why (a code of adaptation.SESSION_REASONS) and the reason's numbers.
    adjustment = models.CharField(
        _("adjustment"), max_length=8, choices=Adjustment.choices, blank=True, default=""
    )
    adjustment_reason = models.CharField(_("adjustment reason"), max_length=40, blank=True)
    adjustment_params = models.JSONField(_("adjustment details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("plan session")
        verbose_name_plural = _("plan sessions")
        ordering = ["date", "index"]
        indexes = [models.Index(fields=["enrollment", "date"], name="plans_session_day")]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "index"], name="plans_session_once"),
            # No double booking: one session a day per plan, unless it was skipped.
            models.UniqueConstraint(
                fields=["enrollment", "date"],
                condition=~models.Q(status="skipped"),
                name="plans_one_session_a_day",
            ),
            models.UniqueConstraint(
                fields=["completed_by_activity_id"],
                condition=models.Q(completed_by_activity_id__isnull=False),
                name="plans_activity_completes_one_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.date}"


class PlanAdaptation(models.Model):
    """How a week of the plan was adjusted from the week before, and why."""

    class Decision(models.TextChoices):
        PROGRESS = "progress", _("Progress")
        HOLD = "hold", _("Hold")
        REPEAT = "repeat", _("Repeat")
        REDUCE = "reduce", _("Reduce")

    enrollment = models.ForeignKey(
        PlanEnrollment, on_delete=models.CASCADE, related_name="adaptations"
    )
    week = models.PositiveSmallIntegerField(_("adjusted week"))  # 0-based, the week changed
    adapter = models.CharField(_("adapter"), max_length=40)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=40)  # a code; words at display time
    compliance = models.FloatField(_("compliance of the week before"))  # 0..1
    planned_load = models.FloatField(_("planned load"))
    actual_load = models.FloatField(_("actual load"))
    factor_before = models.FloatField(_("volume factor before"))
    factor_after = models.FloatField(_("volume factor after"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan adaptation")
        verbose_name_plural = _("plan adaptations")
        ordering = ["week"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "week"], name="plans_adapt_week_once")
        ]

    def __str__(self) -> str:
        return f"week {self.week + 1}: {self.decision}"
