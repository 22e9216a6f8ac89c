"""OAuth 2 (django-oauth-toolkit) for partners: one client serves both the authorization code
flow with PKCE (user data) and client credentials (partner-level endpoints)."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from apps.partners import selectors


class PartnerOAuth2Validator(OAuth2Validator):
    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if grant_type == "client_credentials" and selectors.partner_for_application(client.pk):
            return True
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        # `shop` only for a shop's own client-credentials token (never granted by a person).
        if "shop" in scopes:
            found = selectors.partner_for_application(client.pk)
            if request.grant_type != "client_credentials" or found is None:
                return False
            if not found[0].shop_allowed(found[1]):  # production: only once approved
                return False
        return super().validate_scopes(client_id, scopes, client, request, *args, **kwargs)
