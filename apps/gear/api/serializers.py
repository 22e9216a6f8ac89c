from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.gear.models import Category
from apps.training.models import Sport


class OfferSerializer(serializers.Serializer):
    region = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    available = serializers.BooleanField()
    shop_url = serializers.CharField()


class BrandSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    brand = BrandSerializer()
    category = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    names = serializers.DictField(child=serializers.CharField())
    attributes = serializers.DictField()
    lifespan_km = serializers.IntegerField(allow_null=True)
    lifespan_hours = serializers.IntegerField(allow_null=True)
    image_url = serializers.CharField()
    active = serializers.BooleanField()
    offers = OfferSerializer(many=True, source="offers.all")


class ProductQuerySerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    brand = serializers.IntegerField(required=False)
    q = serializers.CharField(required=False, max_length=100)
    region = serializers.RegexField(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$", required=False)


class GearSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    nickname = serializers.CharField()
    custom_name = serializers.CharField()
    product = serializers.IntegerField(source="product_id", allow_null=True)
    category = serializers.CharField()
    purchase_date = serializers.DateField(allow_null=True)
    start_distance_m = serializers.FloatField()
    distance_m = serializers.FloatField()
    moving_s = serializers.IntegerField()
    activity_count = serializers.IntegerField()
    total_km = serializers.FloatField()
    lifespan_km = serializers.SerializerMethodField()
    lifespan_hours = serializers.SerializerMethodField()
    wear_percent = serializers.IntegerField(allow_null=True)
    default_for = serializers.SerializerMethodField()
    retired = serializers.BooleanField()
    retired_at = serializers.DateTimeField(allow_null=True)

    def get_lifespan_km(self, gear) -> int | None:
        return gear.lifespan[1] if gear.lifespan and gear.lifespan[0] == "km" else None

    def get_lifespan_hours(self, gear) -> int | None:
        return gear.lifespan[1] if gear.lifespan and gear.lifespan[0] == "hours" else None

    def get_default_for(self, gear) -> list[str]:
        return [d.sport for d in gear.defaults.all()]


class GearInputSerializer(serializers.Serializer):
    product = serializers.IntegerField(required=False, allow_null=True)
    custom_name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    nickname = serializers.CharField(required=False, allow_blank=True, max_length=60)
    purchase_date = serializers.DateField(required=False, allow_null=True)
    start_distance_m = serializers.FloatField(required=False, min_value=0, max_value=1e8)
    lifespan_km = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=1_000_000
    )
    lifespan_hours = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=1_000_000
    )
    default_for = serializers.ListField(
        child=serializers.ChoiceField(choices=Sport.choices), required=False, max_length=20
    )


class GearActivitySerializer(serializers.Serializer):
    activity = serializers.IntegerField(source="activity_id")
    start_time = serializers.DateTimeField()
    distance_m = serializers.FloatField()
    moving_s = serializers.IntegerField()
    manual = serializers.BooleanField()


class AttributionInputSerializer(serializers.Serializer):
    gear = serializers.IntegerField(
        allow_null=True, help_text=_("The gear the activity was done in, or null for none.")
    )


class SuggestionSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    name = serializers.CharField()
    brand = serializers.CharField()
    region = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    shop_url = serializers.CharField()
    score = serializers.FloatField()
    promotion = serializers.DictField(allow_null=True)


class ImportReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    created = serializers.IntegerField(source="created_count")
    updated = serializers.IntegerField(source="updated_count")
    unchanged = serializers.IntegerField(source="unchanged_count")
    deactivated = serializers.IntegerField(source="deactivated_count")
    rejected = serializers.ListField(child=serializers.DictField())
    error = serializers.CharField()
