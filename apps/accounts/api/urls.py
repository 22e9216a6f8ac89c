from django.urls import path

from apps.accounts.api import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/deletion/", views.AccountDeletionView.as_view(), name="api-me-deletion"),
    path("me/import/", views.DataImportView.as_view(), name="api-me-import"),
    path("me/export/", views.DataExportView.as_view(), name="api-me-export"),
    path("me/consents/", views.ConsentsView.as_view(), name="api-me-consents"),
    path("me/profile/", views.ProfileView.as_view(), name="api-me-profile"),
    path("me/avatar/", views.AvatarView.as_view(), name="api-me-avatar"),
    path("me/privacy-zones/", views.PrivacyZoneListView.as_view(), name="api-privacy-zones"),
    path(
        "me/privacy-zones/<int:zone_id>/",
        views.PrivacyZoneDetailView.as_view(),
        name="api-privacy-zone",
    ),
]
