"""The user: e-mail is the login. Custom from the first migration so it can grow freely."""

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from apps.core.fields import EncryptedDecimalField
from apps.core.models import TimeStampedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, email: str) -> "User":
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        help_text=_("Language for e-mails and notifications; empty follows the browser."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Stored lower-cased, so the unique index is case-insensitive in effect.
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="accounts_user_email_lowercase"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]

    @property
    def public_name(self) -> str:
        """What other people see: never the e-mail address."""
        return self.display_name or _("Athlete #%(id)s") % {"id": self.pk}


def _avatar_path(instance: "Profile", filename: str) -> str:
    return f"avatars/{instance.user_id}/{uuid.uuid4().hex}.jpg"


class Sport(models.TextChoices):
    RUNNING = "running", _("Running")
    TRAIL_RUNNING = "trail_running", _("Trail running")
    CYCLING = "cycling", _("Cycling")
    SWIMMING = "swimming", _("Swimming")
    TRIATHLON = "triathlon", _("Triathlon")
    WALKING = "walking", _("Walking")
    HIKING = "hiking", _("Hiking")
    YOGA = "yoga", _("Yoga")
    STRENGTH = "strength", _("Strength training")
    OTHER = "other", _("Other")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    FOLLOWERS = "followers", _("Followers")
    ONLY_ME = "only_me", _("Only me")


class HiddenField(models.TextChoices):
    HEART_RATE = "heart_rate", _("Heart rate")
    PACE = "pace", _("Pace and speed")
    CALORIES = "calories", _("Calories")
    START_TIME = "start_time", _("Start time")


class Profile(TimeStampedModel):
    """What a person tells Stride about themselves, and who may see what."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    class Units(models.TextChoices):
        METRIC = "metric", _("Metric (km, kg)")
        IMPERIAL = "imperial", _("Imperial (mi, lb)")

    class Experience(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")
        ELITE = "elite", _("Competitive")

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    avatar = models.ImageField(_("avatar"), upload_to=_avatar_path, blank=True)
    avatar_thumbnail = models.ImageField(_("avatar thumbnail"), upload_to=_avatar_path, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    height_cm = EncryptedDecimalField(_("height (cm)"), null=True, blank=True, decimal_places=1)
    weight_kg = EncryptedDecimalField(_("weight (kg)"), null=True, blank=True, decimal_places=1)
    units = models.CharField(_("units"), max_length=10, choices=Units.choices, default=Units.METRIC)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    country = CountryField(_("country"), blank=True)
    region = models.CharField(
        _("region"),
        max_length=100,
        blank=True,
        help_text=_("State, province or region; used for regional offers."),
    )
    sports = models.JSONField(_("sports"), default=list, blank=True)
    experience = models.CharField(
        _("experience"), max_length=16, choices=Experience.choices, blank=True
    )
    weekly_distance_goal_km = models.DecimalField(
        _("weekly distance goal (km)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(2000)],
    )
    target_race_name = models.CharField(_("target race"), max_length=120, blank=True)
    target_race_date = models.DateField(_("target race date"), null=True, blank=True)
    activity_visibility = models.CharField(
        _("who sees my activities"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.FOLLOWERS,
    )
    profile_visibility = models.CharField(
        _("who sees my profile"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    hidden_fields = models.JSONField(
        _("hidden from others"),
        default=list,
        blank=True,
        help_text=_("Activity details other people never see."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(units__in=["metric", "imperial"]), name="accounts_profile_units"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class PrivacyZone(TimeStampedModel):
    """A place (home, work) around which the ends of a person's tracks are hidden from others."""

    MAX_PER_USER = 10

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="privacy_zones")
    name = models.CharField(_("name"), max_length=60)
    latitude = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    radius_m = models.PositiveIntegerField(
        _("radius (m)"), default=500, validators=[MinValueValidator(50), MaxValueValidator(5000)]
    )

    class Meta:
        verbose_name = _("privacy zone")
        verbose_name_plural = _("privacy zones")
        indexes = [models.Index(fields=["user", "created"], name="accounts_zone_user_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180)
                & models.Q(radius_m__gte=50, radius_m__lte=5000),
                name="accounts_zone_bounds",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ConsentKind(models.TextChoices):
    TERMS = "terms", _("Terms of use")
    PRIVACY = "privacy", _("Privacy policy")
    HEALTH_DATA = "health_data", _("Processing of health data")
    MARKETING = "marketing", _("Marketing messages")
    PERSONALISATION = "personalisation", _("Personal recommendations")


# Without these Stride cannot serve a person; the others can be refused or withdrawn any time.
MANDATORY_CONSENTS = frozenset({ConsentKind.TERMS, ConsentKind.PRIVACY, ConsentKind.HEALTH_DATA})


class ConsentDocument(TimeStampedModel):
    """One version of a text people agree to. Published versions are never edited: a change
    is a new version, and everyone is asked again."""

    kind = models.CharField(_("kind"), max_length=20, choices=ConsentKind.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_('Per language: {"de": {"title": "…", "body": "…"}, "ru": {…}}'),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent document")
        verbose_name_plural = _("consent documents")
        ordering = ("kind", "-version")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="accounts_consentdoc_version"),
        ]
        indexes = [
            models.Index(fields=["kind", "published_at"], name="accounts_consentdoc_current"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def mandatory(self) -> bool:
        return self.kind in MANDATORY_CONSENTS

    def text_in(self, language: str) -> tuple[str, str]:
        """Title and text in a language, falling back to the original."""
        t = self.translations.get(language) or {}
        return t.get("title") or self.title, t.get("body") or self.body


class ConsentRecord(models.Model):
    """A decision, as given: append-only, so the history shows what was agreed and when."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consent_records")
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="+")
    granted = models.BooleanField(_("granted"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    created = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["user", "-created"], name="accounts_consent_user_time")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.document} {'✓' if self.granted else '✗'}"


class DataExport(TimeStampedModel):
    """A person's request for their data, and the archive made for it. Kept (without the file)
    as the audit trail of export requests, also after the account is gone."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="data_exports"
    )
    subject_id = models.BigIntegerField(_("user id"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("archive"), upload_to="exports/", blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        indexes = [models.Index(fields=["user", "-created"], name="accounts_export_user_time")]

    def __str__(self) -> str:
        return f"export {self.pk} of user {self.subject_id} ({self.status})"


class ErasureRequest(TimeStampedModel):
    """A person's request to delete their account: scheduled after a grace period they can use
    to cancel, then carried out. The row outlives the account as the audit trail; it keeps no
    e-mail address, only a keyed digest of it (`email_digest`), so staff can answer "was this
    address erased?" without holding the address."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")

    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="erasure_requests"
    )
    subject_id = models.BigIntegerField(_("user id"), db_index=True)
    email_digest = models.CharField(_("e-mail digest"), max_length=64, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    scheduled_for = models.DateTimeField(_("scheduled for"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        indexes = [
            models.Index(
                fields=["scheduled_for"],
                condition=models.Q(status="scheduled"),
                name="accounts_erasure_due",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_id"],
                condition=models.Q(status="scheduled"),
                name="accounts_erasure_one_scheduled",
            )
        ]

    def __str__(self) -> str:
        return f"erasure of user {self.subject_id} ({self.status})"


class DataImport(TimeStampedModel):
    """An export archive from another Stride, uploaded by its owner to bring their data here."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being imported")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_imports")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("archive"), upload_to="imports/", blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")
        indexes = [models.Index(fields=["user", "-created"], name="accounts_import_user_time")]

    def __str__(self) -> str:
        return f"import {self.pk} of user {self.user_id} ({self.status})"
