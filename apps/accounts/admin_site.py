"""The admin behind allauth: one login page for everyone (with allauth's rate limits on failed
attempts, which Django's own admin login lacks), and staff must have two-factor authentication
turned on before the admin opens."""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


def staff_may_enter(user) -> bool:
    return bool(user.is_active and user.is_staff and is_mfa_enabled(user))


class StrideAdminSite(AdminSite):
    def has_permission(self, request) -> bool:
        return staff_may_enter(request.user)

    def login(self, request, extra_context=None):
        """Send people to the one login page, or tell signed-in staff what is missing."""
        user = request.user
        if not user.is_authenticated:
            next_url = request.GET.get("next") or reverse("admin:index")
            return redirect_to_login(next_url, login_url=reverse("account_login"))
        if user.is_staff and user.is_active:
            messages.warning(
                request,
                _("Turn on two-factor authentication to use the admin; it protects every account."),
            )
            return redirect("mfa_index")
        messages.error(request, _("The admin is for staff only."))
        return redirect("dashboard")
