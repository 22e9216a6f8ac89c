from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.partners.models import Environment
from apps.training.models import Sport, Visibility


class CredentialsSerializer(serializers.Serializer):
    environment = serializers.CharField()
    client_id = serializers.CharField()
    client_secret = serializers.CharField(help_text=_("Shown only once; stored hashed."))


class PartnerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    website = serializers.URLField(required=False, allow_blank=True, default="")
    redirect_uris = serializers.CharField(
        max_length=2000, help_text=_("Your OAuth redirect URLs, separated by spaces.")
    )


class PartnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    website = serializers.CharField()
    status = serializers.CharField()
    sandbox_client_id = serializers.CharField(allow_null=True)
    production_client_id = serializers.CharField(allow_null=True)
    rate_limit_per_minute = serializers.IntegerField()
    shop_status = serializers.CharField(
        help_text=_("Shop: empty (not a shop), sandbox, requested (production) or production.")
    )
    created = serializers.DateTimeField()


class PartnerCreatedSerializer(PartnerSerializer):
    credentials = CredentialsSerializer()


class EndpointInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    environment = serializers.ChoiceField(choices=Environment.choices, default="sandbox")
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list, max_length=50
    )


class EndpointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    environment = serializers.CharField()
    event_types = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()
    disabled_reason = serializers.CharField()
    created = serializers.DateTimeField()


class EndpointCreatedSerializer(EndpointSerializer):
    secret = serializers.CharField(help_text=_("whsec_…: shown only once."))


class ShopSecretSerializer(serializers.Serializer):
    shop_status = serializers.CharField()
    shop_secret = serializers.CharField(
        help_text=_("whsec_…: sign your shop requests with it. Shown only once.")
    )


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text=_("The new whsec_… secret: shown only once."))


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.CharField()
    event_type = serializers.CharField()
    endpoint = serializers.IntegerField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_response_status = serializers.IntegerField(allow_null=True)
    last_latency_ms = serializers.IntegerField(allow_null=True)
    last_response_body = serializers.CharField(allow_null=True)
    created = serializers.DateTimeField()


class AuthorizationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The partner client; DELETE it to revoke."))
    partner_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())


class PartnerActivityInputSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=100, help_text=_("Your id of the activity: sending it again updates it.")
    )
    sport = serializers.ChoiceField(choices=Sport.choices)
    start_time = serializers.DateTimeField()
    elapsed_s = serializers.FloatField(min_value=1, max_value=7 * 24 * 3600)
    moving_s = serializers.FloatField(min_value=0, required=False)
    distance_m = serializers.FloatField(min_value=0, max_value=2_000_000, required=False)
    elevation_gain_m = serializers.FloatField(min_value=0, max_value=50_000, required=False)
    avg_heart_rate = serializers.FloatField(min_value=20, max_value=260, required=False)
    max_heart_rate = serializers.FloatField(min_value=20, max_value=260, required=False)
    calories = serializers.FloatField(min_value=0, max_value=100_000, required=False)
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    timezone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    perceived_effort = serializers.IntegerField(min_value=1, max_value=10, required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    device_name = serializers.CharField(max_length=100, required=False, allow_blank=True)


class PartnerActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    athlete_id = serializers.IntegerField(source="owner_id")
    external_id = serializers.CharField()
    provider = serializers.CharField()
    sport = serializers.CharField()
    title = serializers.CharField()
    start_time = serializers.DateTimeField()
    elapsed_s = serializers.IntegerField()
    moving_s = serializers.IntegerField()
    distance_m = serializers.FloatField(allow_null=True)
    created = serializers.DateTimeField()
    modified = serializers.DateTimeField()


class PartnerUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("A FIT, GPX or TCX file (gzipped or not)."), allow_empty_file=True
    )


class PartnerUploadAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_url = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    object_type = serializers.CharField()
    object_id = serializers.IntegerField()
    athlete_id = serializers.IntegerField(source="user_id")
    action = serializers.ChoiceField(choices=["upsert", "delete"])
    changed_at = serializers.DateTimeField()


class TestEventSerializer(serializers.Serializer):
    delivery = DeliverySerializer()


class ConformanceInputSerializer(serializers.Serializer):
    url = serializers.URLField(
        required=False, max_length=500, help_text=_("Default: the endpoint's URL.")
    )


class ConformanceCheckSerializer(serializers.Serializer):
    name = serializers.CharField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()


class ConformanceReportSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    checks = ConformanceCheckSerializer(many=True)


class SandboxSerializer(serializers.Serializer):
    athletes = serializers.IntegerField()
    activities = serializers.IntegerField()
