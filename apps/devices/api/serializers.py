from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class UploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("A FIT, GPX or TCX file (gzipped or not), or a Strava or Garmin export zip."),
        allow_empty_file=True,  # the service says why an empty file is refused
    )


class UploadListQuerySerializer(serializers.Serializer):
    archive = serializers.IntegerField(required=False, min_value=1)


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class UploadActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    sport = serializers.CharField()
    start_time = serializers.DateTimeField()
    url = serializers.CharField()


class ArchiveFilesSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    failed = serializers.IntegerField()


class UploadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["file", "archive"])
    size = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=["queued", "processing", "done", "duplicate", "failed"]
    )
    status_display = serializers.CharField()
    reason = ReasonSerializer(allow_null=True)
    activity = UploadActivitySerializer(allow_null=True)
    duplicate_of = UploadActivitySerializer(allow_null=True)
    archive = serializers.IntegerField(allow_null=True, help_text=_("The archive it came from."))
    files = ArchiveFilesSerializer(allow_null=True, help_text=_("For an archive: its files."))
    created = serializers.DateTimeField()
    finished = serializers.DateTimeField(allow_null=True)


class HealthRoutePointSerializer(serializers.Serializer):
    time = serializers.CharField(help_text=_("ISO 8601 instant, or seconds from the start."))
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    altitude = serializers.FloatField(required=False, allow_null=True)


class HealthHeartRateSerializer(serializers.Serializer):
    time = serializers.CharField(help_text=_("ISO 8601 instant, or seconds from the start."))
    bpm = serializers.FloatField(min_value=20, max_value=260)


class HealthWorkoutSerializer(serializers.Serializer):
    id = serializers.CharField(
        max_length=100, help_text=_("The workout's id on the phone (HKWorkout UUID, record id).")
    )
    sport = serializers.CharField(
        max_length=60,
        help_text=_(
            "The platform's type name, e.g. running, cycling, traditionalStrengthTraining, "
            "EXERCISE_TYPE_RUNNING."
        ),
    )
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=120)
    distance_m = serializers.FloatField(required=False, allow_null=True, min_value=0)
    energy_kcal = serializers.FloatField(required=False, allow_null=True, min_value=0)
    device = serializers.CharField(required=False, allow_blank=True, max_length=100)
    route = HealthRoutePointSerializer(many=True, required=False)
    heart_rate = HealthHeartRateSerializer(many=True, required=False)


class HealthBatchInputSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(
        choices=[("apple_health", "Apple Health"), ("health_connect", "Health Connect")]
    )
    workouts = HealthWorkoutSerializer(many=True, required=False, max_length=25)
    deleted = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        max_length=500,
        help_text=_("Ids of workouts deleted on the phone since the last batch."),
    )


class HealthResultSerializer(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.ChoiceField(
        choices=[(s, s) for s in ("created", "duplicate", "rejected", "deleted", "not_found")]
    )
    activity_id = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class HealthBatchOutputSerializer(serializers.Serializer):
    platform = serializers.CharField()
    workouts = HealthResultSerializer(many=True)
    deleted = HealthResultSerializer(many=True)


# --- Provider connections -------------------------------------------------------------------


class ConnectionErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)


class ConnectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    provider = serializers.CharField()
    provider_label = serializers.CharField()
    external_id = serializers.CharField(help_text=_("The account's id at the provider."))
    status = serializers.ChoiceField(choices=["active", "error", "disconnected", "revoked"])
    scopes = serializers.CharField()
    last_sync_at = serializers.DateTimeField(allow_null=True)
    last_error = ConnectionErrorSerializer(allow_null=True)
    created = serializers.DateTimeField()


class AuthorizeInputSerializer(serializers.Serializer):
    redirect_uri = serializers.CharField(
        max_length=500,
        required=False,
        help_text=_(
            "Where the provider sends the person back (the app's own link); "
            "the web callback when left out."
        ),
    )


class AuthorizeOutputSerializer(serializers.Serializer):
    authorize_url = serializers.CharField()
    state = serializers.CharField()


class CompleteInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=2000)
    state = serializers.CharField(max_length=1000)
