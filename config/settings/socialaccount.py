"""Social sign-in (allauth providers): Google, Apple, Facebook, Strava.

A provider is offered only when it has an app: either its keys in the environment (below), or
a Social application added by staff in the admin (allauth reads both). Use one or the other
for a provider, not both: two apps for one provider make allauth refuse to choose.

Linking policy (apps.accounts.social.SocialAccountAdapter and allauth's e-mail
authentication): a provider that vouches for the e-mail address signs in to, and is linked
with, the local account of that address; an address the provider does not vouch for never
reaches an existing account (the person gets allauth's "account exists" e-mail instead). A new
person's account takes the provider's verified address as verified; an address the provider
does not vouch for is verified by e-mail, and without one (Strava gives none) allauth's
sign-up form asks for it first.

base.py star-imports this module and appends SOCIAL_PROVIDER_APPS to INSTALLED_APPS.
"""

from django.core.exceptions import ImproperlyConfigured

from config.settings.env import env

__all__ = [
    "SOCIALACCOUNT_ADAPTER",
    "SOCIALACCOUNT_AUTO_SIGNUP",
    "SOCIALACCOUNT_EMAIL_AUTHENTICATION",
    "SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT",
    "SOCIALACCOUNT_LOGIN_ON_GET",
    "SOCIALACCOUNT_PROVIDERS",
    "SOCIALACCOUNT_STORE_TOKENS",
    "SOCIAL_PROVIDER_APPS",
]

SOCIAL_PROVIDER_APPS = [
    "allauth.socialaccount.providers.apple",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.strava",
]

SOCIALACCOUNT_ADAPTER = "apps.accounts.social.SocialAccountAdapter"
# A provider that says the e-mail is verified (Google, Apple) signs in to the local account of
# that address and is linked to it. allauth only matches addresses the provider marks verified
# (Facebook never does, Strava sends none); if the local address itself was never verified,
# allauth also wipes that account's password and other sessions (a squatter is locked out).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True  # skip the form when the provider gave a free address
SOCIALACCOUNT_LOGIN_ON_GET = False  # starting a sign-in is a POST (CSRF-protected)
SOCIALACCOUNT_STORE_TOKENS = False  # sign-in only; activity import keeps its own tokens


def _keys(provider: str, names: dict[str, str]) -> dict[str, str] | None:
    """The provider's variables when all are set, None when none are; half is an error."""
    values = {field: env.str(name, default="").strip() for field, name in names.items()}
    if all(values.values()):
        return values
    if any(values.values()):
        missing = ", ".join(name for field, name in names.items() if not values[field])
        raise ImproperlyConfigured(f"Social sign-in with {provider} needs {missing} as well.")
    return None


def social_providers() -> dict:
    """SOCIALACCOUNT_PROVIDERS from the environment: an APPS entry only for configured keys."""
    providers: dict = {
        "google": {
            "SCOPE": ["profile", "email"],
            "OAUTH_PKCE_ENABLED": True,
        },
        "apple": {},
        "facebook": {
            "METHOD": "oauth2",
            "SCOPE": ["email", "public_profile"],
        },
        "strava": {},
    }
    if google := _keys(
        "Google", {"client_id": "GOOGLE_CLIENT_ID", "secret": "GOOGLE_CLIENT_SECRET"}
    ):
        providers["google"]["APPS"] = [google]
    if apple := _keys(
        "Apple",
        {
            "client_id": "APPLE_CLIENT_ID",  # Services ID; comma-separated to add app bundle IDs
            "secret": "APPLE_KEY_ID",
            "key": "APPLE_TEAM_ID",
            "certificate_key": "APPLE_PRIVATE_KEY",  # the .p8 PEM; "\n" escapes allowed
        },
    ):
        certificate_key = apple.pop("certificate_key").replace("\\n", "\n")
        providers["apple"]["APPS"] = [{**apple, "settings": {"certificate_key": certificate_key}}]
    if facebook := _keys(
        "Facebook", {"client_id": "FACEBOOK_APP_ID", "secret": "FACEBOOK_APP_SECRET"}
    ):
        providers["facebook"]["APPS"] = [facebook]
    if strava := _keys(
        "Strava", {"client_id": "STRAVA_CLIENT_ID", "secret": "STRAVA_CLIENT_SECRET"}
    ):
        providers["strava"]["APPS"] = [strava]
    return providers


SOCIALACCOUNT_PROVIDERS = social_providers()
