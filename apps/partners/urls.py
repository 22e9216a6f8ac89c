from django.urls import path

from apps.partners import views

urlpatterns = [
    path("", views.partner_list, name="partners-list"),
    path("authorized/", views.authorizations, name="partners-authorizations"),
    path("<int:partner_id>/", views.partner_detail, name="partners-detail"),
    path(
        "<int:partner_id>/request-production/",
        views.partner_request_production,
        name="partners-request-production",
    ),
    path("<int:partner_id>/sandbox/", views.partner_sandbox, name="partners-sandbox"),
    path("<int:partner_id>/shop/", views.partner_shop_enable, name="partners-shop-enable"),
    path("<int:partner_id>/shop/secret/", views.partner_shop_secret, name="partners-shop-secret"),
    path(
        "<int:partner_id>/shop/request-production/",
        views.partner_shop_request_production,
        name="partners-shop-request-production",
    ),
    path("endpoints/<int:endpoint_id>/test/", views.endpoint_test, name="partners-endpoint-test"),
    path(
        "deliveries/<int:delivery_id>/replay/",
        views.delivery_replay,
        name="partners-delivery-replay",
    ),
]
