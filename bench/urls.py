"""Bench URLs (ROOT_URLCONF of bench.settings): the bench endpoints, then the real ones."""

from django.urls import include, path

from bench import views
from config import urls as project_urls

urlpatterns = [
    path("bench/one-query/", views.one_query, name="bench-one-query"),
    path("bench/events/", views.EventList.as_view(), name="bench-events"),
    path("", include("config.urls")),
]

handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
