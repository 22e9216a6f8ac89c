from rest_framework import serializers


class PromotionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField(source="title_text")
    body = serializers.CharField(source="body_text")
    kind = serializers.CharField()
    value = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    product_ids = serializers.SerializerMethodField()
    brand_ids = serializers.SerializerMethodField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    personal = serializers.SerializerMethodField()

    def get_product_ids(self, obj) -> list[int]:
        return sorted(p.pk for p in obj.products.all())

    def get_brand_ids(self, obj) -> list[int]:
        return sorted(b.pk for b in obj.brands.all())

    def get_personal(self, obj) -> bool:
        return obj.user_id is not None


class CouponSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    promotion = PromotionSerializer()
    uses_left = serializers.SerializerMethodField()
    created = serializers.DateTimeField()

    def get_uses_left(self, obj) -> int:
        used = len(getattr(obj, "used", [])) if hasattr(obj, "used") else 0
        left = obj.per_user_limit - used
        if obj.total_limit is not None:
            left = min(left, obj.total_limit - obj.redeemed_count)
        return max(left, 0)


class BalanceSerializer(serializers.Serializer):
    balance = serializers.IntegerField()


class PointsEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    points = serializers.IntegerField()
    source = serializers.CharField()
    source_label = serializers.CharField(source="get_source_display")
    note = serializers.CharField()
    day = serializers.DateField(source="earned_on")
    created = serializers.DateTimeField()


class RewardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField(source="title_text")
    body = serializers.CharField(source="body_text")
    cost = serializers.IntegerField()
    in_stock = serializers.SerializerMethodField()

    def get_in_stock(self, obj) -> bool:
        return obj.stock is None or obj.stock > 0


class RedemptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reward = RewardSerializer()
    points = serializers.IntegerField()
    coupon_code = serializers.CharField(source="coupon.code", allow_null=True, default=None)
    created = serializers.DateTimeField()


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(source="title_text")
    body_html = serializers.CharField(source="body_text", help_text="Sanitized HTML.")
    url = serializers.CharField()
    published_at = serializers.DateTimeField()
