from django.urls import path

from apps.accounts import views

urlpatterns = [
    path("profile/", views.profile_edit, name="accounts-profile"),
    path("profile/avatar/", views.avatar_upload, name="accounts-avatar"),
    path("profile/avatar/delete/", views.avatar_delete, name="accounts-avatar-delete"),
    path("privacy/", views.privacy, name="accounts-privacy"),
    path(
        "privacy/zones/<int:zone_id>/delete/",
        views.privacy_zone_delete,
        name="accounts-privacy-zone-delete",
    ),
    path("export/", views.data_export_request, name="accounts-export"),
    path(
        "export/<str:token>/download/", views.data_export_download, name="accounts-export-download"
    ),
    path("import/", views.data_import_upload, name="accounts-import"),
    path("delete/", views.account_delete, name="accounts-delete"),
    path("delete/cancel/", views.account_delete_cancel, name="accounts-delete-cancel"),
    path("consents/", views.consents, name="accounts-consents"),
    path(
        "consents/document/<int:document_id>/",
        views.consent_document,
        name="accounts-consent-document",
    ),
]
