from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from rest_framework import serializers

from apps.accounts.models import HiddenField, Profile, Sport, Visibility


class MeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    language = serializers.CharField()
    date_joined = serializers.DateTimeField()
    email_verified = serializers.BooleanField()


class MeUpdateInputSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    language = serializers.ChoiceField(
        choices=[("", _("Follow the device")), *settings.LANGUAGES], required=False
    )


class ProfileOutputSerializer(serializers.Serializer):
    avatar_url = serializers.SerializerMethodField()
    avatar_thumbnail_url = serializers.SerializerMethodField()
    birth_year = serializers.IntegerField(allow_null=True)
    sex = serializers.CharField()
    height_cm = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    weight_kg = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    units = serializers.CharField()
    timezone = serializers.CharField()
    country = serializers.CharField()
    region = serializers.CharField()
    sports = serializers.ListField(child=serializers.CharField())
    experience = serializers.CharField()
    weekly_distance_goal_km = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True
    )
    target_race_name = serializers.CharField()
    target_race_date = serializers.DateField(allow_null=True)
    activity_visibility = serializers.CharField()
    profile_visibility = serializers.CharField()
    hidden_fields = serializers.ListField(child=serializers.CharField())

    def get_avatar_url(self, profile) -> str | None:
        return profile.avatar.url if profile.avatar else None

    def get_avatar_thumbnail_url(self, profile) -> str | None:
        return profile.avatar_thumbnail.url if profile.avatar_thumbnail else None


class ProfileUpdateInputSerializer(serializers.Serializer):
    birth_year = serializers.IntegerField(
        min_value=1900, max_value=2100, allow_null=True, required=False
    )
    sex = serializers.ChoiceField(choices=[("", ""), *Profile.Sex.choices], required=False)
    height_cm = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=50, max_value=260, allow_null=True, required=False
    )
    weight_kg = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=20, max_value=400, allow_null=True, required=False
    )
    units = serializers.ChoiceField(choices=Profile.Units.choices, required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    country = serializers.ChoiceField(choices=[("", ""), *list(countries)], required=False)
    region = serializers.CharField(max_length=100, allow_blank=True, required=False)
    sports = serializers.ListField(
        child=serializers.ChoiceField(choices=Sport.choices), max_length=10, required=False
    )
    experience = serializers.ChoiceField(
        choices=[("", ""), *Profile.Experience.choices], required=False
    )
    weekly_distance_goal_km = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=0, max_value=2000, allow_null=True, required=False
    )
    target_race_name = serializers.CharField(max_length=120, allow_blank=True, required=False)
    target_race_date = serializers.DateField(allow_null=True, required=False)
    activity_visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    profile_visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    hidden_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=HiddenField.choices), required=False
    )


class AvatarInputSerializer(serializers.Serializer):
    avatar = serializers.FileField(
        help_text=_("A JPEG, PNG or WebP image; it is re-encoded and its metadata removed.")
    )


class PrivacyZoneOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    radius_m = serializers.IntegerField()
    created = serializers.DateTimeField()


class PrivacyZoneInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    radius_m = serializers.IntegerField(min_value=50, max_value=5000, default=500)


class ConsentStateOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    version = serializers.IntegerField(source="document.version")
    document_url = serializers.CharField()
    mandatory = serializers.BooleanField(source="document.mandatory")
    granted = serializers.BooleanField(allow_null=True)
    granted_version = serializers.IntegerField(allow_null=True)
    needs_answer = serializers.BooleanField()


class ConsentDecisionsInputSerializer(serializers.Serializer):
    decisions = serializers.DictField(
        child=serializers.BooleanField(),
        allow_empty=False,
        help_text=_('Answers by kind, e.g. {"terms": true, "marketing": false}.'),
    )


class DataExportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    created = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    size_bytes = serializers.IntegerField(allow_null=True)
    download_url = serializers.CharField(allow_null=True)


class AccountDeleteInputSerializer(serializers.Serializer):
    password = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=_("Your current password; not needed if you have none (social sign-in)."),
    )


class AccountDeletionOutputSerializer(serializers.Serializer):
    scheduled_for = serializers.DateTimeField(
        allow_null=True, help_text=_("When the account will be erased; null if not scheduled.")
    )


class DataImportInputSerializer(serializers.Serializer):
    archive = serializers.FileField(
        help_text=_("The .zip of a data export from this or another Stride.")
    )


class DataImportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    created = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.JSONField(help_text=_("What each part brought, per app."))
    error = serializers.CharField(allow_blank=True)
