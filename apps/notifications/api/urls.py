from django.urls import path

from apps.notifications.api import views

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="api-notifications"),
    path(
        "notifications/unread-count/",
        views.UnreadCountView.as_view(),
        name="api-notifications-unread-count",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        views.MarkReadView.as_view(),
        name="api-notification-read",
    ),
    path(
        "notifications/read-all/",
        views.MarkAllReadView.as_view(),
        name="api-notifications-read-all",
    ),
    path(
        "notifications/preferences/",
        views.PreferencesView.as_view(),
        name="api-notification-preferences",
    ),
    path(
        "notifications/push-subscriptions/",
        views.PushSubscriptionListView.as_view(),
        name="api-push-subscriptions",
    ),
    path(
        "notifications/push-subscriptions/<int:subscription_id>/",
        views.PushSubscriptionDetailView.as_view(),
        name="api-push-subscription",
    ),
    path("notifications/telegram/", views.TelegramView.as_view(), name="api-telegram"),
    path(
        "notifications/telegram/link/",
        views.TelegramLinkView.as_view(),
        name="api-telegram-link",
    ),
]
