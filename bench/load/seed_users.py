"""Seed what the load test needs and sign each person in once:
`python bench/load/seed_users.py N OUT_DIR`.

- `seed_demo` first (the demo's consent documents, loyalty rules, catalog, challenges), with
  http redirect URIs allowed for its loopback demo partners (production allows https only).

- People `load-<i>@stride.test`: a verified address, every consent given, five activities
  each, following the next three people of their club (so the feed has others' runs too).
- Clubs of `CLUB_SIZE` people (`Load club <k>`, public): every member joined, the club's chat
  opened, and a live group run in progress (started; a new one if someone ended the last).
- A shop partner with production credentials and a signing secret (`Load Shop`) and a shared
  coupon `LOADRUN` of an open-ended promotion, with capacity for any run (no total limit, a
  per-person limit far above what a run uses), so a redemption is refused only if something
  is really wrong; the load script still reports a refusal under its reason.

Each person is signed in through the headless app API (as the mobile app does). OUT_DIR gets
`members.json` (per simulated member: session token, user id, club chat and live run ids),
`tokens.json` (the tokens alone) and `shop.json` (the shop's access token and signing
secret). Idempotent: everything is looked up by natural keys and reused; only the sessions,
the shop's client secret and its token are new each time.
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from oauth2_provider.generators import generate_client_secret  # noqa: E402

from apps.accounts import services as accounts_services  # noqa: E402
from apps.accounts.models import User  # noqa: E402
from apps.accounts.selectors import consent_documents_current  # noqa: E402
from apps.groups import chat, live  # noqa: E402
from apps.groups import selectors as groups_selectors  # noqa: E402
from apps.groups import services as groups_services  # noqa: E402
from apps.groups.models import Group, LiveSession  # noqa: E402
from apps.partners import services as partner_services  # noqa: E402
from apps.partners.models import Partner  # noqa: E402
from apps.promos import services as promos_services  # noqa: E402
from apps.promos.models import Promotion  # noqa: E402
from apps.training.models import Activity  # noqa: E402
from apps.training.services import record_activity  # noqa: E402
from apps.training.types import NormalizedActivity  # noqa: E402

PASSWORD = "load-test-password-2026"  # noqa: S105 - throwaway people in a throwaway database
CLUB_SIZE = 50  # a running club: its chat and its live run are shared by this many people
FOLLOWS = 3
COUPON = "LOADRUN"
COUPON_PER_PERSON = 1_000_000  # far above what any run redeems (about one per member-minute)
SHOP = "Load Shop"


def person(i: int) -> User:
    email = f"load-{i}@stride.test"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=PASSWORD, display_name=f"Load {i}")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    documents = consent_documents_current()
    if documents:
        accounts_services.consent_record(
            user=user, decisions={kind: True for kind in documents}, request=None
        )
    if not Activity.objects.filter(owner=user).exists():
        for day in range(1, 6):
            record_activity(
                owner=user,
                activity=NormalizedActivity(
                    sport="run",
                    start_time=timezone.now() - timedelta(days=day, hours=i % 12),
                    title=f"Morning run {day}",
                    elapsed_s=1800 + 60 * day,
                    distance_m=5000.0 + 250 * day,
                ),
            )
    return user


def club(k: int, members: list[User]) -> tuple[Group, int, int]:
    """The club, its chat's conversation id and the id of its live run in progress."""
    owner = members[0]
    name = f"Load club {k}"
    group = Group.objects.filter(name=name, created_by=owner).first()
    if group is None:
        group = groups_services.group_create(
            owner=owner, name=name, description="Members of the load test."
        )
    for user in members:
        groups_services.group_join(user=user, group=group)
    for n, user in enumerate(members):  # follow the next people of the club
        for step in range(1, min(FOLLOWS, len(members) - 1) + 1):
            other = members[(n + step) % len(members)]
            if not groups_selectors.follow_get(follower=user, followee=other):
                groups_services.follow_create(follower=user, followee_id=other.pk)
    conversation = chat.conversation_for_group(user=owner, group=group)
    session = (
        LiveSession.objects.filter(group=group, status=LiveSession.Status.LIVE)
        .order_by("-pk")
        .first()
    )
    if session is None:
        session = live.session_create(actor=owner, group=group, title=f"{name}: evening run")
        session = live.session_start(actor=owner, session=session)
    return group, conversation.pk, session.pk


def coupon() -> str:
    now = timezone.now()
    promotion, _ = Promotion.objects.get_or_create(
        slug="load-run",
        defaults={
            "kind": "fixed",
            "value": 5,
            "currency": "EUR",
            "title": {"en": "5 EUR off (load test)"},
            "body": {"en": "Seeded by bench/load/seed_users.py."},
            "starts_at": now - timedelta(days=1),
            "ends_at": now + timedelta(days=3650),
        },
    )
    found = promos_services.coupon_create_shared(
        promotion=promotion, code=COUPON, total_limit=None, per_user_limit=COUPON_PER_PERSON
    )
    return found.code


def shop(owner: User, client: Client) -> dict:
    """A production shop partner: a new client secret each run (shown once), its token."""
    partner = Partner.objects.filter(name=SHOP, owners=owner).first()
    if partner is None:
        partner, _ = partner_services.partner_create(
            owner=owner, name=SHOP, redirect_uris="https://shop.load.test/oauth/callback"
        )
    if partner.production_application_id is None:
        partner_services.partner_approve(partner=partner)
        partner.refresh_from_db()
    application = partner.production_application
    client_secret = generate_client_secret()
    application.client_secret = client_secret  # hashed on save
    application.save(update_fields=["client_secret"])
    # A shop's checkout traffic, not a misbehaving integration: no per-minute cap in the way.
    Partner.objects.filter(pk=partner.pk).update(rate_limit_per_minute=1_000_000)
    signing_secret = partner_services.partner_shop_secret_rotate(partner=partner)
    partner.refresh_from_db()
    if partner.shop_status != "production":  # staff's approval, as in the admin
        partner_services.partner_shop_approve(partner=partner)
    response = client.post(
        "/oauth/token/",
        {
            "grant_type": "client_credentials",
            "client_id": application.client_id,
            "client_secret": client_secret,
            "scope": "shop",
        },
    )
    if response.status_code != 200:
        raise SystemExit(f"shop token refused: {response.status_code} {response.content[:200]}")
    return {"token": response.json()["access_token"], "secret": signing_secret}


def main() -> None:
    count, out = int(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    host = settings.ALLOWED_HOSTS[0]
    client = Client(HTTP_HOST=host)
    demo_partners = {**settings.OAUTH2_PROVIDER, "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"]}
    with override_settings(OAUTH2_PROVIDER=demo_partners), open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    people = [person(i) for i in range(count)]
    chunks = [people[start : start + CLUB_SIZE] for start in range(0, count, CLUB_SIZE)]
    if len(chunks) > 1 and len(chunks[-1]) < 2:  # a lone last person joins the club before
        chunks[-2] += chunks.pop()
    clubs = [club(k, members) for k, members in enumerate(chunks)]
    club_of = [k for k, members in enumerate(chunks) for _ in members]
    code = coupon()
    members = []
    # allauth limits sign-ins per address; every seeded sign-in comes from this process.
    limits = override_settings(ACCOUNT_RATE_LIMITS=False)
    limits.enable()
    for i, user in enumerate(people):
        response = client.post(
            "/_allauth/app/v1/auth/login",
            {"email": user.email, "password": PASSWORD},
            content_type="application/json",
        )
        if response.status_code != 200:
            raise SystemExit(f"sign-in of {user.email} failed: {response.status_code}")
        group, conversation_id, session_id = clubs[club_of[i]]
        members.append(
            {
                "token": response.json()["meta"]["session_token"],
                "user_id": user.pk,
                "index": i,
                "club": group.slug,
                "conversation_id": conversation_id,
                "live_session_id": session_id,
            }
        )
    limits.disable()
    shop_access = {**shop(people[0], client), "coupon": code}
    (out / "members.json").write_text(json.dumps(members))
    (out / "tokens.json").write_text(json.dumps([m["token"] for m in members]))
    (out / "shop.json").write_text(json.dumps(shop_access))
    print(
        f"{count} load-test people in {len(clubs)} clubs "
        f"(chat, live run in progress), coupon {code}, shop credentials; files in {out}"
    )


if __name__ == "__main__":
    main()
