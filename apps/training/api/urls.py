from django.urls import path

from apps.training.api import views

urlpatterns = [
    path("activities/", views.ActivityListView.as_view(), name="api-activities"),
    path("activities/export.csv", views.ActivityCsvView.as_view(), name="api-activities-csv"),
    path(
        "activities/<int:activity_id>/",
        views.ActivityDetailView.as_view(),
        name="api-activity",
    ),
    path(
        "activities/<int:activity_id>/sources/",
        views.ActivitySourcesView.as_view(),
        name="api-activity-sources",
    ),
    path(
        "activities/<int:activity_id>/streams/",
        views.ActivityStreamsView.as_view(),
        name="api-activity-streams",
    ),
    path(
        "activities/<int:activity_id>/gpx/",
        views.ActivityGpxView.as_view(),
        name="api-activity-gpx",
    ),
    path("progress/", views.ProgressView.as_view(), name="api-progress"),
    path("routes/", views.RouteListView.as_view(), name="api-routes"),
    path("routes/nearby/", views.RoutesNearbyView.as_view(), name="api-routes-nearby"),
    path("routes/<int:route_id>/", views.RouteDetailView.as_view(), name="api-route"),
    path("routes/<int:route_id>/gpx/", views.RouteGpxView.as_view(), name="api-route-gpx"),
    path(
        "users/<int:user_id>/activities/",
        views.UserActivityListView.as_view(),
        name="api-user-activities",
    ),
]
