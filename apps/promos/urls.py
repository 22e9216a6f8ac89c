from django.urls import path

from apps.promos import views

urlpatterns = [
    path("", views.offers, name="promos-offers"),
    path("offers/<int:promotion_id>/claim/", views.offer_claim, name="promos-offer-claim"),
    path("coupons/", views.coupons, name="promos-coupons"),
    path("points/", views.points, name="promos-points"),
    path("rewards/", views.rewards, name="promos-rewards"),
    path("rewards/<int:reward_id>/redeem/", views.reward_redeem, name="promos-reward-redeem"),
    path("news/", views.news, name="promos-news"),
]
