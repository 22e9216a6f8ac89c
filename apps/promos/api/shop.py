"""The shop's API (an e-commerce partner of the partner platform): check a coupon at checkout,
report a paid order, refund it.

A call needs both a client-credentials token of the partner with the scope `shop` and a
Standard Webhooks signature of the raw body with the partner's shop secret
(`apps.partners.signing`): `webhook-id` (used once), `webhook-timestamp` (within 5 minutes)
and `webhook-signature`. A refused signature is a 401, logged (never the secret) and kept as a
`ShopRequestRejection` for staff. Orders are keyed by the partner's stable id
(`Partner.shop_id`) and the environment of the client (sandbox or production), so one shop
never sees another's orders and a sandbox client never touches a production order. A shop
works in the sandbox once its owner enables it, in production once staff approved it."""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.core.exceptions import StrideError
from apps.partners import signing
from apps.partners.api.auth import (
    AUTHENTICATION,
    PartnerRateThrottle,
    PartnerScope,
    RateLimitHeaders,
)
from apps.partners.exceptions import SandboxOnly
from apps.partners.models import Environment
from apps.partners.selectors import is_sandbox_user
from apps.promos import services
from apps.promos.models import Order, ShopRequestRejection

logger = logging.getLogger(__name__)

TAGS = ["shop"]
REPLAY_WINDOW_S = 2 * signing.TOLERANCE_S  # a used webhook-id is remembered this long


class NotAShop(StrideError):
    code = "SHOP_TOKEN_REQUIRED"
    status = 403
    default_message = _("Use a client-credentials token of a shop partner with the scope shop.")


class ShopSignatureInvalid(StrideError):
    code = "SIGNATURE_INVALID"
    status = 401
    default_message = _(
        "The request signature is missing or does not match: sign the raw body with your "
        "shop secret (webhook-id, webhook-timestamp, webhook-signature)."
    )


class ShopSignatureStale(StrideError):
    code = "SIGNATURE_EXPIRED"
    status = 401
    default_message = _(
        "The webhook-timestamp is more than 5 minutes away from our clock: sign the request "
        "again with the current time."
    )


class ShopSignatureReplayed(StrideError):
    code = "SIGNATURE_REPLAYED"
    status = 401
    default_message = _("This webhook-id was already used: send a new id with every request.")


def _refuse(request, partner, reason: str, message_id: str) -> None:
    ip = request.META.get("REMOTE_ADDR") or None
    logger.warning(
        "shop request refused: partner=%s reason=%s path=%s webhook_id=%s ip=%s",
        partner.pk,
        reason,
        request.path,
        message_id[:100],
        ip,
    )
    ShopRequestRejection.objects.create(
        partner=partner, reason=reason, path=request.path[:200], message_id=message_id[:100], ip=ip
    )
    error = {
        ShopRequestRejection.Reason.STALE: ShopSignatureStale,
        ShopRequestRejection.Reason.REPLAYED: ShopSignatureReplayed,
    }.get(reason, ShopSignatureInvalid)
    raise error()


class ShopPartner(PartnerScope):
    """PartnerScope (scope `shop`, client credentials only) plus the shop's signature."""

    def has_permission(self, request, view) -> bool:
        super().has_permission(request, view)
        partner = request.partner
        if (
            partner is None
            or request.auth.user_id is not None
            or not partner.shop_allowed(request.partner_environment)
        ):
            raise NotAShop()
        headers = {k.lower(): v for k, v in request.headers.items()}
        message_id = headers.get("webhook-id", "")
        stamp = headers.get("webhook-timestamp", "")
        if not message_id or not stamp or not headers.get("webhook-signature"):
            _refuse(request, partner, ShopRequestRejection.Reason.MISSING, message_id)
        body = request._request.body  # the raw bytes, before DRF parses them
        try:
            signing.verify(partner.shop_secret, headers, body)
        except signing.SignatureError:
            try:
                stale = signing.verify(partner.shop_secret, headers, body, tolerance=10**12)
            except signing.SignatureError:
                stale = False
            else:
                stale = True
            reason = ShopRequestRejection.Reason.STALE if stale else ShopRequestRejection.Reason.BAD
            _refuse(request, partner, reason, message_id)
        seen_key = hashlib.sha256(message_id.encode()).hexdigest()  # any length, a fixed key
        if not cache.add(f"promos:shop:msg:{partner.pk}:{seen_key}", 1, REPLAY_WINDOW_S):
            _refuse(request, partner, ShopRequestRejection.Reason.REPLAYED, message_id)
        # Keys are per shop client (the same key from two shops never collides).
        request.idempotency_scope = f"shop:{request.auth.application_id}"
        return True


class ShopView(RateLimitHeaders, APIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [ShopPartner]
    throttle_classes = [PartnerRateThrottle]
    required_scope = "shop"
    allow_client_credentials = True

    def check_user(self, request, user_id: int | None) -> None:
        """A sandbox shop acts only for its sandbox athletes and owners."""
        if (
            user_id
            and request.partner_environment == Environment.SANDBOX
            and not is_sandbox_user(partner=request.partner, user_id=user_id)
        ):
            raise SandboxOnly()


class CouponValidateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    user_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class CouponCheckSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    code = serializers.CharField()
    reason = serializers.CharField()
    message = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.CharField(allow_null=True)
    currency = serializers.CharField()
    product_ids = serializers.ListField(child=serializers.IntegerField())
    brand_ids = serializers.ListField(child=serializers.IntegerField())
    categories = serializers.ListField(child=serializers.CharField())
    promotion_id = serializers.IntegerField(allow_null=True)


class OrderReportSerializer(serializers.Serializer):
    order_id = serializers.CharField(max_length=100)
    user_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    total = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    currency = serializers.CharField(min_length=3, max_length=3)
    coupon_code = serializers.CharField(max_length=40, required=False, allow_blank=True)


class OrderSerializer(serializers.ModelSerializer):
    coupon_code = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = (
            "order_id",
            "user_id",
            "total",
            "currency",
            "coupon_code",
            "points",
            "status",
            "created",
            "refunded_at",
        )

    def get_coupon_code(self, order) -> str | None:
        return order.coupon.code if order.coupon_id else None


SIGNATURE_PARAMETERS = [
    OpenApiParameter(name, str, OpenApiParameter.HEADER, required=True, description=text)
    for name, text in (
        ("webhook-id", "A unique id per request (used once)."),
        ("webhook-timestamp", "Unix seconds; at most 5 minutes away from Stride's clock."),
        ("webhook-signature", "v1,<base64 HMAC-SHA256 of 'id.timestamp.body'> (shop secret)."),
    )
]


class ShopCouponValidateView(ShopView):
    """At checkout: may this code be used (by this athlete) now, and what does it give?"""

    @extend_schema(
        request=CouponValidateSerializer,
        responses=CouponCheckSerializer,
        parameters=SIGNATURE_PARAMETERS,
        tags=TAGS,
        description="Scope shop (client credentials) and a signed body. Reads only.",
    )
    def post(self, request):
        data = _valid(CouponValidateSerializer, request)
        self.check_user(request, data.get("user_id"))
        check = services.coupon_validate(code=data["code"], user_id=data.get("user_id"))
        return Response(check.as_dict())


class ShopOrderReportView(ShopView):
    """A paid order: its coupon is redeemed and the athlete earns points, once per order id."""

    @extend_schema(
        request=OrderReportSerializer,
        responses={201: OrderSerializer, 200: OrderSerializer},
        parameters=[*SIGNATURE_PARAMETERS, IDEMPOTENCY_PARAMETER],
        tags=TAGS,
        description="Scope shop and a signed body. Reporting the same order id again returns "
        "the first order (200) and changes nothing; an Idempotency-Key replays the answer.",
    )
    @idempotent
    def post(self, request):
        data = _valid(OrderReportSerializer, request)
        self.check_user(request, data.get("user_id"))
        result = services.order_report(
            shop=request.partner.shop_id,
            order_id=data["order_id"],
            user_id=data.get("user_id"),
            total=data["total"],
            currency=data["currency"],
            coupon_code=data.get("coupon_code", ""),
            environment=request.partner_environment,
        )
        return Response(
            OrderSerializer(result.order).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class ShopOrderRefundView(ShopView):
    """The shop refunded the order: coupon use and points are reversed, once."""

    @extend_schema(
        request=None,
        responses=OrderSerializer,
        parameters=[*SIGNATURE_PARAMETERS, IDEMPOTENCY_PARAMETER],
        tags=TAGS,
        description="Scope shop and a signed (possibly empty) body. Only your own orders, of "
        "the environment of your client.",
    )
    @idempotent
    def post(self, request, order_id: str):
        order = services.order_refund(
            shop=request.partner.shop_id,
            order_id=order_id,
            environment=request.partner_environment,
        )
        return Response(OrderSerializer(order).data)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
