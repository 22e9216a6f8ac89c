from django.urls import path

from apps.devices import views

urlpatterns = [
    path("", views.upload_list, name="devices-uploads"),
    path("<int:upload_id>/", views.upload_detail, name="devices-upload"),
]

connection_urlpatterns = [
    path("", views.connection_list, name="devices-connections"),
    path("sandbox/consent/", views.sandbox_consent, name="devices-sandbox-consent"),
    path(
        "<int:connection_id>/disconnect/",
        views.connection_disconnect,
        name="devices-connection-disconnect",
    ),
    path("<int:connection_id>/sandbox/send/", views.sandbox_send, name="devices-sandbox-send"),
    path("<slug:provider>/connect/", views.connection_connect, name="devices-connection-connect"),
    path(
        "<slug:provider>/callback/", views.connection_callback, name="devices-connection-callback"
    ),
]

webhook_urlpatterns = [
    path("<slug:provider>/", views.webhook, name="devices-webhook"),
]
