"""Demo people for `manage.py seed_demo`: verified members and one staff account."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from apps.accounts import selectors, services
from apps.accounts.models import ConsentDocument, ConsentKind, User
from apps.core import demo

DEMO_PASSWORD = "stride-demo-2026"  # noqa: S105 - published demo login, local data only
# Staff need two-factor authentication for the admin; the demo admin's TOTP secret is public
# so a newcomer can add it to an authenticator app (or compute codes) on a local instance.
DEMO_ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPSTRIDEDEMOADMIN2"  # noqa: S105 - demo only
DEMO_USERS = [
    # email, display name, language, staff
    ("admin@stride.local", "Stride Admin", "en", True),
    ("anna@stride.local", "Anna Berg", "de", False),
    ("ivan@stride.local", "Ivan Petrov", "ru", False),
    ("maya@stride.local", "Maya Lopez", "en", False),
]


# Starting texts for a new instance; the operator replaces them in the admin (a new version).
DEMO_DOCUMENTS = {
    ConsentKind.TERMS: (
        "Terms of use",
        "You may use Stride to record your training and take part in the community. Be kind, "
        "post only what you have the right to share, and keep your sign-in to yourself.",
        {
            "ru": (
                "Условия использования",
                "Вы можете использовать Stride для учёта тренировок и "
                "участия в сообществе. Будьте доброжелательны, публикуйте только то, чем вправе "
                "делиться, и никому не передавайте данные для входа.",
            ),
            "de": (
                "Nutzungsbedingungen",
                "Du kannst Stride nutzen, um dein Training aufzuzeichnen "
                "und in der Community mitzumachen. Sei freundlich, teile nur, was du teilen "
                "darfst, "
                "und gib deine Anmeldedaten niemandem.",
            ),
        },
    ),
    ConsentKind.PRIVACY: (
        "Privacy policy",
        "We keep your data to run Stride for you. You can export it or delete your account at "
        "any time from your account pages.",
        {
            "ru": (
                "Политика конфиденциальности",
                "Мы храним ваши данные, чтобы Stride работал для "
                "вас. Вы можете выгрузить их или удалить учётную запись в любой момент.",
            ),
            "de": (
                "Datenschutzerklärung",
                "Wir speichern deine Daten, um Stride für dich zu "
                "betreiben. Du kannst sie jederzeit exportieren oder dein Konto löschen.",
            ),
        },
    ),
    ConsentKind.HEALTH_DATA: (
        "Processing of health data",
        "Heart rate, body measurements and workouts are health data. We process them only to "
        "show you your training and, if you allow it, to personalise suggestions.",
        {
            "ru": (
                "Обработка данных о здоровье",
                "Пульс, параметры тела и тренировки — это данные "
                "о здоровье. Мы обрабатываем их только чтобы показывать вам ваши тренировки и, "
                "если вы разрешите, подбирать рекомендации.",
            ),
            "de": (
                "Verarbeitung von Gesundheitsdaten",
                "Herzfrequenz, Körpermaße und Workouts sind "
                "Gesundheitsdaten. Wir verarbeiten sie nur, um dir dein Training zu zeigen und, "
                "wenn du es erlaubst, Vorschläge anzupassen.",
            ),
        },
    ),
    ConsentKind.MARKETING: (
        "Marketing messages",
        "News and offers from your club or shop by e-mail and notifications. Withdraw any time.",
        {
            "ru": (
                "Маркетинговые сообщения",
                "Новости и предложения вашего клуба или магазина по "
                "эл. почте и в уведомлениях. Можно отозвать в любой момент.",
            ),
            "de": (
                "Marketing-Nachrichten",
                "Neuigkeiten und Angebote deines Vereins oder Shops per "
                "E-Mail und Benachrichtigung. Jederzeit widerrufbar.",
            ),
        },
    ),
    ConsentKind.PERSONALISATION: (
        "Personal recommendations",
        "Suggestions of workouts, challenges and products based on your training. Without it "
        "you see what is popular.",
        {
            "ru": (
                "Персональные рекомендации",
                "Подбор тренировок, челленджей и товаров по вашим "
                "тренировкам. Без согласия вы видите популярное.",
            ),
            "de": (
                "Persönliche Empfehlungen",
                "Vorschläge für Workouts, Challenges und Produkte "
                "auf Basis deines Trainings. Ohne Zustimmung siehst du, was beliebt ist.",
            ),
        },
    ),
}


@demo.register(order=10)
def seed_consent_documents() -> list[str]:
    lines = []
    for kind, (title, body, translations) in DEMO_DOCUMENTS.items():
        if ConsentDocument.objects.filter(kind=kind).exists():
            continue
        document = ConsentDocument.objects.create(
            kind=kind,
            version=1,
            title=title,
            body=body,
            translations={lang: {"title": t, "body": b} for lang, (t, b) in translations.items()},
        )
        services.consent_document_publish(document=document)
        lines.append(f"published {document}")
    return lines or ["consent documents already there"]


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
        missing = selectors.consents_missing(user=user)
        if missing:
            services.consent_record(user=user, decisions={d.kind: True for d in missing})
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
