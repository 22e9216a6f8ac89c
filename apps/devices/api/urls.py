from django.urls import path

from apps.devices.api import views

urlpatterns = [
    path("health/batches/", views.HealthBatchView.as_view(), name="api-health-batches"),
    path("uploads/", views.UploadListView.as_view(), name="api-uploads"),
    path("uploads/<int:upload_id>/", views.UploadDetailView.as_view(), name="api-upload"),
    path(
        "uploads/<int:upload_id>/reprocess/",
        views.UploadReprocessView.as_view(),
        name="api-upload-reprocess",
    ),
    path("connections/", views.ConnectionListView.as_view(), name="api-connections"),
    path(
        "connections/<int:connection_id>/",
        views.ConnectionDetailView.as_view(),
        name="api-connection",
    ),
    path(
        "connections/<slug:provider>/authorize/",
        views.ConnectionAuthorizeView.as_view(),
        name="api-connection-authorize",
    ),
    path(
        "connections/<slug:provider>/complete/",
        views.ConnectionCompleteView.as_view(),
        name="api-connection-complete",
    ),
]
