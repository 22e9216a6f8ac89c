"""allauth hooks for social sign-in (Google, Apple, Facebook, Strava).

Which account a provider's sign-in reaches is allauth's own logic, configured in
config/settings/socialaccount.py: an account already linked signs in; a provider-verified
address signs in to (and is linked with) the local account of that address; anything else is
a new account, whose address counts as verified only when the provider vouches for it, and is
asked for when the provider gives none. This adapter adds what Stride sets for a new person,
and answers 404 for a provider that is installed but not configured.
"""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.http import Http404


class ProviderNotConfigured(SocialApp.DoesNotExist, Http404):
    """No app (keys) for the provider. Still a SocialApp.DoesNotExist, which allauth's API
    turns into its own errors; left uncaught (/accounts/<provider>/login/) it is a 404, not
    a server error."""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as e:
            raise ProviderNotConfigured(f"{provider} is not configured") from e

    def save_user(self, request, sociallogin, form=None):
        """A new person from a provider gets the browser's language, as on the sign-up form."""
        user = sociallogin.user
        language = getattr(request, "LANGUAGE_CODE", "") if request else ""
        if language and not user.language:
            user.language = language
        return super().save_user(request, sociallogin, form=form)
