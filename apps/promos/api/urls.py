from django.urls import path

from apps.promos.api import shop, views

urlpatterns = [
    path("promos/offers/", views.OfferListView.as_view(), name="api-promos-offers"),
    path(
        "promos/offers/<int:promotion_id>/claim/",
        views.OfferClaimView.as_view(),
        name="api-promos-offer-claim",
    ),
    path("promos/coupons/", views.CouponWalletView.as_view(), name="api-promos-coupons"),
    path("promos/points/", views.PointsBalanceView.as_view(), name="api-promos-points"),
    path(
        "promos/points/history/",
        views.PointsHistoryView.as_view(),
        name="api-promos-points-history",
    ),
    path("promos/rewards/", views.RewardListView.as_view(), name="api-promos-rewards"),
    path(
        "promos/rewards/<int:reward_id>/redeem/",
        views.RewardRedeemView.as_view(),
        name="api-promos-reward-redeem",
    ),
    path("promos/redemptions/", views.RedemptionListView.as_view(), name="api-promos-redemptions"),
    path("promos/news/", views.NewsListView.as_view(), name="api-promos-news"),
    # The shop (a partner with the scope shop and signed requests): apps/promos/api/shop.py
    path(
        "shop/coupons/validate/",
        shop.ShopCouponValidateView.as_view(),
        name="api-shop-coupon-validate",
    ),
    path("shop/orders/", shop.ShopOrderReportView.as_view(), name="api-shop-orders"),
    path(
        "shop/orders/<str:order_id>/refund/",
        shop.ShopOrderRefundView.as_view(),
        name="api-shop-order-refund",
    ),
]
