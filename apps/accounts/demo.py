"""Demo people for `manage.py seed_demo`: verified members and one staff account."""

from allauth.account.models import EmailAddress

from apps.accounts.models import User
from apps.core import demo

DEMO_PASSWORD = "stride-demo-2026"  # noqa: S105 - published demo login, local data only
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
    return lines
