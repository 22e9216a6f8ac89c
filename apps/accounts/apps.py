from urllib.parse import urlsplit

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def name_the_site(sender, using="default", **kwargs) -> None:
    """allauth shows the site's name in e-mails and passkey prompts: make Django's default
    example.com the Stride at STRIDE_SITE_URL. A site staff have renamed is left alone."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    Site.objects.using(using).filter(pk=settings.SITE_ID, domain="example.com").update(
        domain=host, name="Stride"
    )


def remind_of_scheduled_deletion(sender, request, user, **kwargs) -> None:
    """Someone who asked to leave and signs in again sees at once that they can still stay."""
    from django.contrib import messages
    from django.urls import reverse
    from django.utils.formats import date_format
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    from apps.accounts import selectors

    erasure = selectors.account_deletion_scheduled(user=user)
    if erasure is None or not hasattr(request, "_messages"):
        return
    messages.warning(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _("Your account will be deleted on %(date)s.")
            % {"date": date_format(erasure.scheduled_for, "DATE_FORMAT")},
            reverse("accounts-delete"),
            _("Keep my account"),
        ),
    )


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # After django.contrib.sites has made its default site (it is installed earlier).
        post_migrate.connect(name_the_site, sender=self, dispatch_uid="accounts.name_the_site")
        user_logged_in.connect(
            remind_of_scheduled_deletion, dispatch_uid="accounts.remind_of_scheduled_deletion"
        )
