"""Demo people for `manage.py seed_demo`: verified members and one staff account."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from apps.accounts.models import User
from apps.core import demo

DEMO_PASSWORD = "stride-demo-2026"  # noqa: S105 - published demo login, local data only
# Staff need two-factor authentication for the admin; the demo admin's TOTP secret is public
# so a newcomer can add it to an authenticator app (or compute codes) on a local instance.
DEMO_ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPSTRIDEDEMO"  # noqa: S105 - demo only
DEMO_USERS = [
    # email, display name, language, staff
    ("admin@stride.local", "Stride Admin", "en", True),
    ("anna@stride.local", "Anna Berg", "de", False),
    ("ivan@stride.local", "Ivan Petrov", "ru", False),
    ("maya@stride.local", "Maya Lopez", "en", False),
]


@demo.register(order=20)
def seed_users() -> list[str]:
    lines = []
    for email, name, language, staff in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "display_name": name,
                "language": language,
                "is_staff": staff,
                "is_superuser": staff,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        role = "staff, /admin/" if staff else "member"
        lines.append(f"{email} / {DEMO_PASSWORD} ({role})")
        if (
            staff
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_ADMIN_TOTP_SECRET)
        if staff:
            lines.append(
                f"  two-factor (TOTP) secret for {email}: {DEMO_ADMIN_TOTP_SECRET} — "
                f"otpauth://totp/Stride:{email}?secret={DEMO_ADMIN_TOTP_SECRET}&issuer=Stride"
            )
    return lines
