"""Print new sandbox credentials of a shop partner (the Demo Shop of `seed_demo`): a new client
secret and a new shop signing secret. The old ones stop working."""

from django.core.management.base import BaseCommand, CommandError

from apps.partners import services
from apps.partners.models import Partner


class Command(BaseCommand):
    help = "Issue new sandbox credentials (client secret, shop signing secret) for a shop."

    def add_arguments(self, parser):
        parser.add_argument("partner_id", type=int)

    def handle(self, *args, partner_id: int, **options):
        partner = Partner.objects.filter(pk=partner_id).first()
        if partner is None:
            raise CommandError(f"No partner {partner_id}.")
        credentials = services.partner_sandbox_secret_reset(partner=partner)
        shop_secret = services.partner_shop_secret_rotate(partner=partner)
        self.stdout.write(f"client_id={credentials.client_id}")
        self.stdout.write(f"client_secret={credentials.client_secret}")
        self.stdout.write(f"shop_secret={shop_secret}")
        self.stdout.write(
            "Token: POST /oauth/token/ grant_type=client_credentials scope=shop; sign each "
            "body with the shop secret (docs/partners.md, Shops)."
        )
