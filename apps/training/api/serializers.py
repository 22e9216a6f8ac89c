from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.models import Visibility
from apps.training.models import Source, Sport


class OwnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()


class ActivitySummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    owner = OwnerSerializer()
    sport = serializers.ChoiceField(choices=Sport.choices)
    title = serializers.CharField()
    start_time = serializers.DateTimeField(
        allow_null=True, help_text=_("Null when the owner hides start times: see start_date.")
    )
    start_date = serializers.DateField(allow_null=True)
    timezone = serializers.CharField()
    elapsed_s = serializers.IntegerField()
    moving_s = serializers.IntegerField()
    distance_m = serializers.FloatField(allow_null=True)
    elevation_gain_m = serializers.FloatField(allow_null=True)
    avg_heart_rate = serializers.IntegerField(allow_null=True)
    calories = serializers.IntegerField(allow_null=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    source = serializers.CharField()


class SplitSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    distance_m = serializers.FloatField()
    elapsed_s = serializers.FloatField()
    moving_s = serializers.FloatField()
    elevation_diff_m = serializers.FloatField(allow_null=True)
    avg_heart_rate = serializers.IntegerField(allow_null=True)


class BestEffortSerializer(serializers.Serializer):
    distance = serializers.CharField(help_text=_("400m, 1k, 1mi, 5k, 10k, half or marathon."))
    elapsed_s = serializers.FloatField()
    personal_record = serializers.BooleanField(
        help_text=_("Whether it was the fastest so far when recorded.")
    )


class ActivityDetailSerializer(ActivitySummarySerializer):
    notes = serializers.CharField()
    elevation_loss_m = serializers.FloatField(allow_null=True)
    max_heart_rate = serializers.IntegerField(allow_null=True)
    avg_cadence = serializers.IntegerField(allow_null=True)
    avg_power = serializers.IntegerField(allow_null=True)
    perceived_effort = serializers.IntegerField(allow_null=True)
    training_load = serializers.FloatField(allow_null=True)
    device_name = serializers.CharField()
    provider = serializers.CharField()
    splits = SplitSerializer(many=True)
    split_unit = serializers.ChoiceField(choices=[("km", "km"), ("mi", "mi")])
    laps = serializers.ListField(child=serializers.DictField())
    zones = serializers.DictField(
        child=serializers.ListField(child=serializers.FloatField()),
        help_text=_("Seconds in each heart-rate zone (Z1..Z5) and pace zone."),
    )
    map = serializers.ListField(
        child=serializers.ListField(child=serializers.ListField(child=serializers.FloatField())),
        help_text=_(
            "The outline as runs of [lat, lng]; a new run starts where a privacy zone cut it."
        ),
    )
    best_efforts = BestEffortSerializer(many=True)


class ActivitySourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Source.choices)
    provider = serializers.CharField(help_text=_("The platform's name; empty for files and typed."))
    external_id = serializers.CharField(help_text=_("The id the source gives the workout."))
    device_name = serializers.CharField()
    received_at = serializers.DateTimeField()
    start_time = serializers.DateTimeField()
    contains = serializers.ChoiceField(
        choices=[("streams", "streams"), ("summary", "summary")],
        help_text=_("Whether it brought samples or only a summary."),
    )
    channels = serializers.ListField(child=serializers.CharField())
    samples = serializers.IntegerField()
    primary = serializers.BooleanField(
        help_text=_("The best source: the activity's figures and streams come from it.")
    )
    contributed = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Channels of the activity's streams that come from this source."),
    )


class ManualActivityInputSerializer(serializers.Serializer):
    sport = serializers.ChoiceField(choices=Sport.choices)
    start_time = serializers.DateTimeField(help_text=_("ISO 8601 with an offset."))
    elapsed_s = serializers.IntegerField(min_value=1, help_text=_("Duration in seconds."))
    distance_m = serializers.FloatField(required=False, allow_null=True, min_value=0)
    elevation_gain_m = serializers.FloatField(
        required=False, allow_null=True, min_value=0, max_value=20000
    )
    avg_heart_rate = serializers.IntegerField(
        required=False, allow_null=True, min_value=25, max_value=250
    )
    max_heart_rate = serializers.IntegerField(
        required=False, allow_null=True, min_value=25, max_value=250
    )
    calories = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=30000
    )
    perceived_effort = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=10
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=120)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, help_text=_("Default: your profile's.")
    )
    timezone = serializers.CharField(required=False, allow_blank=True, max_length=64)


class ActivityUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=120)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    sport = serializers.ChoiceField(choices=Sport.choices, required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    perceived_effort = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=10
    )
    calories = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=30000
    )


STREAM_KEYS = (
    "time",
    "lat",
    "lng",
    "altitude",
    "heart_rate",
    "cadence",
    "power",
    "speed",
    "temperature",
)


class StreamsQuerySerializer(serializers.Serializer):
    keys = serializers.CharField(
        required=False,
        help_text=_(
            "Comma-separated: time, lat, lng, altitude, heart_rate, cadence, power, "
            "speed, temperature, distance. Default: all."
        ),
    )
    resolution = serializers.IntegerField(
        required=False,
        min_value=10,
        max_value=10000,
        help_text=_("At most this many samples, evenly spread (default: all)."),
    )

    def validate_keys(self, value: str) -> set[str]:
        keys = {k.strip() for k in value.split(",") if k.strip()}
        unknown = keys - set(STREAM_KEYS) - {"distance"}
        if unknown:
            raise serializers.ValidationError(
                _("Unknown streams: %(names)s.") % {"names": ", ".join(sorted(unknown))}
            )
        return keys


class StreamsOutputSerializer(serializers.Serializer):
    samples = serializers.IntegerField()
    streams = serializers.DictField(
        child=serializers.ListField(child=serializers.FloatField(allow_null=True))
    )


class SportTotalSerializer(serializers.Serializer):
    sport = serializers.ChoiceField(choices=Sport.choices)
    count = serializers.IntegerField()
    distance_m = serializers.FloatField()
    moving_s = serializers.IntegerField()
    elevation_gain_m = serializers.FloatField()
    load = serializers.FloatField()


class PreviousPeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    totals = SportTotalSerializer(many=True)


class CurvePointSerializer(serializers.Serializer):
    date = serializers.DateField()
    load = serializers.FloatField()
    fitness = serializers.FloatField()
    fatigue = serializers.FloatField()
    form = serializers.FloatField()


class WeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text=_("The Monday the week starts on."))
    distance_m = serializers.FloatField()
    moving_s = serializers.IntegerField()


class RecordSerializer(serializers.Serializer):
    distance = serializers.CharField()
    elapsed_s = serializers.FloatField()
    achieved_at = serializers.DateTimeField()
    activity_id = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=[("week", "week"), ("month", "month"), ("year", "year")]
    )
    start = serializers.DateField()
    end = serializers.DateField()
    totals = SportTotalSerializer(many=True)
    previous = PreviousPeriodSerializer()
    curve = CurvePointSerializer(
        many=True, help_text=_("The last 90 days: fitness (42-day), fatigue (7-day), form.")
    )
    weeks = WeekSerializer(many=True, help_text=_("Distance of each of the last 12 weeks."))
    records = RecordSerializer(many=True)


class RouteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    owner = OwnerSerializer()
    name = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    sport = serializers.ChoiceField(choices=Sport.choices)
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    distance_m = serializers.FloatField()
    elevation_gain_m = serializers.FloatField(allow_null=True)
    center = serializers.ListField(
        child=serializers.FloatField(), help_text=_("[lat, lng] of the middle of the route.")
    )
    created = serializers.DateTimeField()


class RouteDetailSerializer(RouteSerializer):
    path = serializers.ListField(
        child=serializers.ListField(
            child=serializers.ListField(child=serializers.FloatField(allow_null=True))
        ),
        help_text=_("Runs of [lat, lng, elevation]; a new run starts where a privacy zone cut it."),
    )


class RouteCreateInputSerializer(serializers.Serializer):
    activity_id = serializers.IntegerField(
        required=False, help_text=_("Save the track of one of your activities …")
    )
    gpx = serializers.FileField(required=False, help_text=_("… or upload a GPX file."))
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False)
    sport = serializers.ChoiceField(choices=Sport.choices, required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)

    def validate(self, attrs):
        if ("activity_id" in attrs) == ("gpx" in attrs):
            raise serializers.ValidationError(_("Give either an activity or a GPX file."))
        return attrs


class RouteUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, max_length=120)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


class NearbyQuerySerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    radius_km = serializers.FloatField(min_value=0.1, max_value=100, default=10)
