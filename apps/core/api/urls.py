from django.urls import path

from apps.core.api import views

urlpatterns = [
    path("meta/", views.MetaView.as_view(), name="api-meta"),
    path("analytics/events/", views.AnalyticsEventsView.as_view(), name="api-analytics-events"),
]
