from django.urls import path

from apps.notifications import views

urlpatterns = [
    path("", views.notification_page, name="notifications-page"),
    path("read-all/", views.mark_all_read, name="notifications-read-all"),
    path("preferences/", views.preferences_page, name="notifications-preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="notifications-unsubscribe"),
    path("sw.js", views.service_worker, name="notifications-sw"),
]
