"""The OAuth 2 endpoints of django-oauth-toolkit (authorize, token, revoke, introspect); its
application-management pages are left out: partners are managed on the partner pages."""

from oauth2_provider import urls as oauth2_urls

app_name = "oauth2_provider"
urlpatterns = oauth2_urls.base_urlpatterns
