from django.urls import path

from apps.partners.api import views

urlpatterns = [
    path("partners/", views.PartnerListView.as_view(), name="api-partners"),
    path("partners/<int:partner_id>/", views.PartnerDetailView.as_view(), name="api-partner"),
    path(
        "partners/<int:partner_id>/request-production/",
        views.PartnerRequestProductionView.as_view(),
        name="api-partner-request-production",
    ),
    path(
        "partners/<int:partner_id>/shop/",
        views.PartnerShopView.as_view(),
        name="api-partner-shop",
    ),
    path(
        "partners/<int:partner_id>/shop/rotate-secret/",
        views.PartnerShopRotateView.as_view(),
        name="api-partner-shop-rotate",
    ),
    path(
        "partners/<int:partner_id>/shop/request-production/",
        views.PartnerShopRequestProductionView.as_view(),
        name="api-partner-shop-request-production",
    ),
    path(
        "partners/<int:partner_id>/sandbox/",
        views.PartnerSandboxView.as_view(),
        name="api-partner-sandbox",
    ),
    path(
        "partners/<int:partner_id>/endpoints/",
        views.EndpointListView.as_view(),
        name="api-partner-endpoints",
    ),
    path(
        "partners/<int:partner_id>/deliveries/",
        views.DeliveryListView.as_view(),
        name="api-partner-deliveries",
    ),
    path(
        "partners/endpoints/<int:endpoint_id>/",
        views.EndpointDetailView.as_view(),
        name="api-partner-endpoint",
    ),
    path(
        "partners/endpoints/<int:endpoint_id>/rotate-secret/",
        views.EndpointRotateView.as_view(),
        name="api-partner-endpoint-rotate",
    ),
    path(
        "partners/endpoints/<int:endpoint_id>/test/",
        views.EndpointTestView.as_view(),
        name="api-partner-endpoint-test",
    ),
    path(
        "partners/endpoints/<int:endpoint_id>/conformance/",
        views.EndpointConformanceView.as_view(),
        name="api-partner-endpoint-conformance",
    ),
    path(
        "partners/deliveries/<int:delivery_id>/replay/",
        views.DeliveryReplayView.as_view(),
        name="api-partner-delivery-replay",
    ),
    path(
        "me/partner-authorizations/",
        views.AuthorizationListView.as_view(),
        name="api-partner-authorizations",
    ),
    path(
        "me/partner-authorizations/<int:application_id>/",
        views.AuthorizationDetailView.as_view(),
        name="api-partner-authorization",
    ),
    path(
        "partner/activities/",
        views.PartnerActivityUpsertView.as_view(),
        name="api-partner-activities",
    ),
    path(
        "partner/activities/<int:activity_id>/",
        views.PartnerActivityDetailView.as_view(),
        name="api-partner-activity",
    ),
    path("partner/uploads/", views.PartnerUploadView.as_view(), name="api-partner-uploads"),
    path("changes/", views.ChangesView.as_view(), name="api-changes"),
]
