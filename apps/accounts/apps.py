from urllib.parse import urlsplit

from django.apps import AppConfig
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


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # After django.contrib.sites has made its default site (it is installed earlier).
        post_migrate.connect(name_the_site, sender=self, dispatch_uid="accounts.name_the_site")
