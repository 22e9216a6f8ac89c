"""What the recommenders learn from and what they serve.

- `Item`: the feature store of everything recommendable (kind, key, sport, level, region),
  filled from the apps' selectors (and synthetic items in the demo population).
- `AthleteProfile`: the observable side of a person (country, sport mix, level).
- `Interaction`: one signal per (person, item, action): history read from the apps (enrolled,
  joined, owns) and feedback given on recommendations (click, dismiss, join, buy). Unique, so
  a repeated feedback changes nothing.
- `ModelVersion`: a trained artifact (joblib in default storage) with its metadata; one active
  per kind, rollback by activating an older one.

Impressions are product-analytics events (apps.core.analytics, batched), not rows here.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    WORKOUTS = "workouts", _("workouts and plans")
    CHALLENGES = "challenges", _("challenges")
    PRODUCTS = "products", _("products")


class Action(models.TextChoices):
    # History read from the apps
    ENROLLED = "enrolled", _("enrolled")
    OWNS = "owns", _("owns")
    # Feedback on a recommendation
    CLICK = "click", _("click")
    DISMISS = "dismiss", _("dismiss")
    JOIN = "join", _("join")
    BUY = "buy", _("buy")


FEEDBACK_ACTIONS = (Action.CLICK, Action.DISMISS, Action.JOIN, Action.BUY)
ACTION_WEIGHTS = {"enrolled": 3.0, "owns": 3.0, "click": 1.0, "join": 3.0, "buy": 3.0}


class Item(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=80)
    title = models.CharField(_("title"), max_length=200, blank=True)
    sport = models.CharField(_("sport"), max_length=16, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    synthetic = models.BooleanField(_("synthetic (demo population)"), default=False)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("recommendable item")
        verbose_name_plural = _("recommendable items")
        constraints = [models.UniqueConstraint(fields=("kind", "key"), name="rec_item_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class AthleteProfile(models.Model):
    """A person's observable features: a user, or a synthetic `person` of the demo population
    (who is no account at all, so the population stays apart from real people)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.PositiveIntegerField(_("synthetic person"), null=True, blank=True, unique=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    sport_shares = models.JSONField(_("sport mix"), default=dict)
    level = models.FloatField(_("level"), default=1.0)
    synthetic = models.BooleanField(_("synthetic (demo population)"), default=False)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("athlete profile")
        verbose_name_plural = _("athlete profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, person__isnull=True)
                | Q(user__isnull=True, person__isnull=False),
                name="rec_profile_user_or_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.segment}"

    @property
    def subject_id(self) -> int:
        return subject_id(self.user_id, self.person)

    @property
    def main_sport(self) -> str:
        shares = self.sport_shares or {}
        return max(shares, key=shares.get) if shares else ""

    @property
    def segment(self) -> str:
        return f"{self.country}:{self.main_sport}"


def subject_id(user_id: int | None, person: int | None) -> int:
    """The id the models know a person by: the user id, or minus a synthetic person's number."""
    return int(user_id) if user_id else -int(person)


class Interaction(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.PositiveIntegerField(_("synthetic person"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    item_key = models.CharField(_("item"), max_length=80)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    weight = models.FloatField(_("weight"), default=1.0)
    occurred_at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [
            models.UniqueConstraint(
                fields=("user", "kind", "item_key", "action"),
                condition=Q(user__isnull=False),
                name="rec_interaction_unique",
            ),
            models.UniqueConstraint(
                fields=("person", "kind", "item_key", "action"),
                condition=Q(person__isnull=False),
                name="rec_interaction_person_unique",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, person__isnull=True)
                | Q(user__isnull=True, person__isnull=False),
                name="rec_interaction_user_or_person",
            ),
        ]
        indexes = [
            models.Index(fields=("kind", "occurred_at"), name="rec_interaction_kind_time"),
        ]

    def __str__(self) -> str:
        return f"{subject_id(self.user_id, self.person)} {self.action} {self.kind}:{self.item_key}"


class ModelVersion(models.Model):
    kind = models.CharField(_("model"), max_length=12)  # a Kind, or "load"
    version = models.PositiveIntegerField(_("version"))
    algorithm = models.CharField(_("algorithm"), max_length=40)
    trained_at = models.DateTimeField(_("trained at"))
    artifact = models.CharField(_("artifact"), max_length=255)
    data_size = models.JSONField(_("data size"), default=dict)
    metrics = models.JSONField(_("metrics"), default=dict)
    training_seconds = models.FloatField(_("training time (s)"), default=0)
    active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        ordering = ("kind", "-version")
        constraints = [
            models.UniqueConstraint(fields=("kind", "version"), name="rec_model_version_unique"),
            models.UniqueConstraint(
                fields=("kind",), condition=Q(active=True), name="rec_model_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"
