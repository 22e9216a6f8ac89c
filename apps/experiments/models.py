"""A/B experiments: variants with weights, sticky assignments, conversions.

Exposures themselves are product-analytics events (apps.core.analytics, batched); the
assignment row is written once, on a subject's first exposure, so that a later change of the
weights does not move anybody to another variant.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class Experiment(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        RUNNING = "running", _("running")
        STOPPED = "stopped", _("stopped")

    key = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Gradual rollout: only people the waffle flag is active for enter (empty: everybody),
    # and of those only `traffic_percent` (a deterministic share, the same on web and API).
    flag = models.CharField(_("waffle flag"), max_length=100, blank=True)
    traffic_percent = models.PositiveSmallIntegerField(
        _("traffic (%)"), default=100, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        ordering = ("-created",)
        constraints = [
            models.CheckConstraint(
                condition=Q(traffic_percent__lte=100), name="experiment_traffic_max_100"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.key


class Variant(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="variants")
    key = models.SlugField(_("key"), max_length=40)
    weight = models.PositiveIntegerField(_("weight"), default=1)
    # The first variant by position is the control the others are compared with.
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ("position", "id")
        constraints = [
            models.UniqueConstraint(fields=("experiment", "key"), name="variant_unique_key")
        ]

    def __str__(self) -> str:
        return self.key


class Assignment(models.Model):
    """Who is in which variant: a signed-in person (user) or a browser (anonymous_id)."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="assignments")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    anonymous_id = models.CharField(_("anonymous id"), max_length=64, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"))

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=("experiment", "user"),
                condition=Q(user__isnull=False),
                name="assignment_unique_user",
            ),
            models.UniqueConstraint(
                fields=("experiment", "anonymous_id"),
                condition=Q(user__isnull=True),
                name="assignment_unique_anonymous",
            ),
        ]
        indexes = [models.Index(fields=("user",), name="assignment_user_idx")]

    def __str__(self) -> str:
        return f"{self.experiment_id}/{self.variant_id}: {self.user_id or self.anonymous_id}"


class Conversion(models.Model):
    """A subject reached a metric (counted once per subject and metric)."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="conversions")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="conversions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    anonymous_id = models.CharField(_("anonymous id"), max_length=64, blank=True)
    metric = models.SlugField(_("metric"), max_length=40)
    converted_at = models.DateTimeField(_("converted at"))

    class Meta:
        verbose_name = _("conversion")
        verbose_name_plural = _("conversions")
        constraints = [
            models.UniqueConstraint(
                fields=("experiment", "user", "metric"),
                condition=Q(user__isnull=False),
                name="conversion_unique_user",
            ),
            models.UniqueConstraint(
                fields=("experiment", "anonymous_id", "metric"),
                condition=Q(user__isnull=True),
                name="conversion_unique_anonymous",
            ),
        ]
        indexes = [
            models.Index(fields=("experiment", "metric", "variant"), name="conversion_metric_idx"),
            models.Index(fields=("user",), name="conversion_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.user_id or self.anonymous_id}"
