"""Seed the load-test people and sign each in once: `python bench/load/seed_users.py N OUT`.

Each person `load-<i>@stride.test` has a verified address, every consent given, and a few
activities; each is signed in through the headless app API (as the mobile app does) and the
session tokens are written to OUT (JSON), so the load test spends no time hashing passwords.
Idempotent: existing people are reused and signed in again.
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
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts import services as accounts_services  # noqa: E402
from apps.accounts.models import User  # noqa: E402
from apps.accounts.selectors import consent_documents_current  # noqa: E402
from apps.training.models import Activity  # noqa: E402
from apps.training.services import record_activity  # noqa: E402
from apps.training.types import NormalizedActivity  # noqa: E402

PASSWORD = "load-test-password-2026"  # noqa: S105 - throwaway people in a throwaway database


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


def main() -> None:
    count, out = int(sys.argv[1]), Path(sys.argv[2])
    host = settings.ALLOWED_HOSTS[0]
    client = Client(HTTP_HOST=host)
    tokens = []
    # allauth limits sign-ins per address; every seeded sign-in comes from this process.
    limits = override_settings(ACCOUNT_RATE_LIMITS=False)
    limits.enable()
    for i in range(count):
        user = person(i)
        response = client.post(
            "/_allauth/app/v1/auth/login",
            {"email": user.email, "password": PASSWORD},
            content_type="application/json",
        )
        if response.status_code != 200:
            raise SystemExit(f"sign-in of {user.email} failed: {response.status_code}")
        tokens.append(response.json()["meta"]["session_token"])
    limits.disable()
    out.write_text(json.dumps(tokens))
    print(f"{count} load-test people ready, tokens in {out}")


if __name__ == "__main__":
    main()
