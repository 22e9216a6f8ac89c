"""API authentication with the session token that allauth headless hands to apps."""

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.exceptions import AuthenticationFailed


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """`X-Session-Token: <token>`; a token that is sent but not valid is a 401, not anonymous."""

    def authenticate(self, request):
        token = self.get_session_token(request)
        if not token:
            return None
        result = super().authenticate(request)
        if result is None:
            raise AuthenticationFailed(_("The session token is invalid or has expired."))
        return result

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to anonymous calls, as mobile clients expect.
        return 'X-Session-Token realm="api"'


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = SessionTokenAuthentication
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-Session-Token"}
