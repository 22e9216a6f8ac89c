"""The promos API for people: offers for me, my coupons, my points, rewards, news.

The shop's endpoints (coupon check, order report, refund) are in `shop.py`: partner
credentials and signed requests around `services.coupon_validate`, `order_report` and
`order_refund`."""

import uuid

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.idempotency import HEADER, IDEMPOTENCY_PARAMETER, idempotent
from apps.core.api.pagination import CursorPagination
from apps.promos import selectors, services
from apps.promos.api.serializers import (
    ArticleSerializer,
    BalanceSerializer,
    CouponSerializer,
    PointsEntrySerializer,
    PromotionSerializer,
    RedemptionSerializer,
    RewardSerializer,
)

TAGS = ["promos"]


class Newest(CursorPagination):
    ordering = ("-created", "-id")


class ByStart(CursorPagination):
    ordering = ("-starts_at", "-id")


class ByCost(CursorPagination):
    ordering = ("cost", "id")


class ByPublished(CursorPagination):
    ordering = ("-published_at", "-id")


def _page(view: APIView, request, queryset, paginator_class, serializer_class) -> Response:
    paginator = paginator_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


class OfferListView(APIView):
    """Live offers aimed at you (place, language, segments, personal); each shown one is
    recorded as an exposure for experiments."""

    @extend_schema(responses=PromotionSerializer(many=True), tags=TAGS)
    def get(self, request):
        offers = services.offers_show(user=request.user, request=request)
        queryset = selectors.promotions_live().filter(pk__in=[p.pk for p in offers])
        return _page(self, request, queryset, ByStart, PromotionSerializer)


class OfferClaimView(APIView):
    """Take your personal coupon of an offer (the same one on every call)."""

    @extend_schema(
        request=None,
        responses={201: CouponSerializer},
        tags=TAGS,
        description="Errors: NOT_FOUND (404) when the offer is not live for you.",
    )
    def post(self, request, promotion_id: int):
        coupon = services.offer_claim(user=request.user, promotion_id=promotion_id, request=request)
        coupon = selectors.coupon_wallet(user=request.user).get(pk=coupon.pk)
        return Response(CouponSerializer(coupon).data, status=status.HTTP_201_CREATED)


class CouponWalletView(APIView):
    """Your coupons, newest first."""

    @extend_schema(responses=CouponSerializer(many=True), tags=TAGS)
    def get(self, request):
        return _page(
            self, request, selectors.coupon_wallet(user=request.user), Newest, CouponSerializer
        )


class PointsBalanceView(APIView):
    @extend_schema(responses=BalanceSerializer, tags=TAGS)
    def get(self, request):
        return Response({"balance": selectors.points_balance(user=request.user)})


class PointsHistoryView(APIView):
    """Every change of your points, newest first."""

    @extend_schema(responses=PointsEntrySerializer(many=True), tags=TAGS)
    def get(self, request):
        return _page(
            self, request, selectors.points_history(user=request.user), Newest,
            PointsEntrySerializer,
        )  # fmt: skip


class RewardListView(APIView):
    @extend_schema(responses=RewardSerializer(many=True), tags=TAGS)
    def get(self, request):
        return _page(self, request, selectors.reward_list(), ByCost, RewardSerializer)


class RewardRedeemView(APIView):
    """Spend points on a reward. Send an Idempotency-Key: a retry never spends twice."""

    @extend_schema(
        request=None,
        responses={201: RedemptionSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=TAGS,
        description="Errors: POINTS_NOT_ENOUGH (409), REWARD_UNAVAILABLE (409), NOT_FOUND (404).",
    )
    @idempotent
    def post(self, request, reward_id: int):
        if selectors.reward_get(reward_id=reward_id) is None:
            raise NotFound(_("No such reward."))
        key = request.headers.get(HEADER) or uuid.uuid4().hex
        redemption = services.reward_redeem(user=request.user, reward_id=reward_id, key=key)
        return Response(RedemptionSerializer(redemption).data, status=status.HTTP_201_CREATED)


class RedemptionListView(APIView):
    @extend_schema(responses=RedemptionSerializer(many=True), tags=TAGS)
    def get(self, request):
        return _page(
            self, request, selectors.redemption_list(user=request.user), Newest,
            RedemptionSerializer,
        )  # fmt: skip


class NewsListView(APIView):
    """News and articles in your language for your country."""

    @extend_schema(responses=ArticleSerializer(many=True), tags=TAGS)
    def get(self, request):
        articles = selectors.article_list_for(
            user=request.user, language=getattr(request, "LANGUAGE_CODE", None)
        )
        return _page(self, request, articles, ByPublished, ArticleSerializer)
