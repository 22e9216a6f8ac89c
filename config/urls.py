from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.challenges import urls as challenge_urls
from apps.core import views as core_views
from apps.devices import urls as device_urls
from apps.gear import urls as gear_urls
from apps.notifications import views as notification_views
from apps.training import urls as training_urls
from apps.training import views as training_views

# Swagger UI ships an inline <style>; only its page relaxes the style policy.
docs_view = csp_update({"style-src": ["'unsafe-inline'"]})(
    SpectacularSwaggerView.as_view(url_name="api-schema")
)

api_v1 = [
    path("", include("apps.core.api.urls")),
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.training.api.urls")),
    path("", include("apps.training.plans.api.urls")),
    path("", include("apps.notifications.api.urls")),
    path("", include("apps.devices.api.urls")),
    path("", include("apps.challenges.api.urls")),
    path("", include("apps.gear.api.urls")),
    path("", include("apps.groups.api.urls")),
    path("", include("apps.partners.api.urls")),
    path("", include("apps.promos.api.urls")),
    path("", include("apps.recommendations.api.urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("dashboard/", training_views.dashboard, name="dashboard"),
    path("activities/", include("apps.training.urls")),
    path("routes/", include(training_urls.route_urlpatterns)),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("webhooks/telegram/", notification_views.telegram_webhook, name="telegram-webhook"),
    path("accounts/", include("allauth.urls")),
    path("plans/", include("apps.training.plans.urls")),
    path("uploads/", include("apps.devices.urls")),
    path("connections/", include(device_urls.connection_urlpatterns)),
    path("webhooks/", include(device_urls.webhook_urlpatterns)),
    path("challenges/", include("apps.challenges.urls")),
    path("leaderboards/", include(challenge_urls.leaderboard_urlpatterns)),
    path("segments/", include(challenge_urls.segment_urlpatterns)),
    path("gear/", include("apps.gear.urls")),
    path("catalog/", include(gear_urls.catalog_urlpatterns)),
    path("", include("apps.groups.urls")),
    path("partners/", include("apps.partners.urls")),
    path("oauth/", include("apps.partners.oauth_urls")),
    path("promos/", include("apps.promos.urls")),
    path("for-you/", include("apps.recommendations.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", docs_view, name="api-docs"),
]

handler400 = "apps.core.errors.bad_request"
handler403 = "apps.core.errors.permission_denied"
handler404 = "apps.core.errors.page_not_found"
handler500 = "apps.core.errors.server_error"

if settings.DEBUG and not settings.AWS_STORAGE_BUCKET_NAME:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
