from django.urls import path

from apps.gear.api import views

urlpatterns = [
    path("gear/", views.GearListView.as_view(), name="api-gear-list"),
    path("gear/<int:gear_id>/", views.GearDetailView.as_view(), name="api-gear"),
    path("gear/<int:gear_id>/retire/", views.GearRetireView.as_view(), name="api-gear-retire"),
    path(
        "gear/<int:gear_id>/reactivate/",
        views.GearReactivateView.as_view(),
        name="api-gear-reactivate",
    ),
    path(
        "gear/<int:gear_id>/recompute/",
        views.GearRecomputeView.as_view(),
        name="api-gear-recompute",
    ),
    path(
        "gear/<int:gear_id>/activities/",
        views.GearActivitiesView.as_view(),
        name="api-gear-activities",
    ),
    path(
        "gear/<int:gear_id>/suggestions/",
        views.GearSuggestionsView.as_view(),
        name="api-gear-suggestions",
    ),
    path(
        "gear/attributions/<int:activity_id>/",
        views.AttributionView.as_view(),
        name="api-gear-attribution",
    ),
    path("catalog/brands/", views.BrandListView.as_view(), name="api-catalog-brands"),
    path("catalog/products/", views.ProductListView.as_view(), name="api-catalog-products"),
    path(
        "catalog/products/<int:product_id>/",
        views.ProductDetailView.as_view(),
        name="api-catalog-product",
    ),
    path("catalog/feed/", views.FeedView.as_view(), name="api-catalog-feed"),
]
