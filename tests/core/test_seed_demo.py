import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth import authenticate
from django.core.management import call_command

from apps.accounts.demo import DEMO_PASSWORD
from apps.accounts.models import User


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_the_logins(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = (User.objects.count(), EmailAddress.objects.count())

    call_command("seed_demo")

    assert (User.objects.count(), EmailAddress.objects.count()) == counts == (4, 4)
    assert f"admin@stride.local / {DEMO_PASSWORD} (staff, /admin/)" in first
    admin = User.objects.get(email="admin@stride.local")
    assert admin.is_staff
    assert is_mfa_enabled(admin)  # staff need 2FA for the admin
    assert "two-factor (TOTP) secret for admin@stride.local" in first
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 4
    assert authenticate(email="anna@stride.local", password=DEMO_PASSWORD) is not None


@pytest.mark.django_db
def test_the_printed_admin_totp_secret_gives_working_codes():
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, hotp_value

    from apps.accounts.demo import DEMO_ADMIN_TOTP_SECRET

    call_command("seed_demo")
    admin = User.objects.get(email="admin@stride.local")
    totp = TOTP(Authenticator.objects.get(user=admin, type=Authenticator.Type.TOTP))
    code = str(hotp_value(DEMO_ADMIN_TOTP_SECRET, int(time.time()) // 30)).zfill(6)

    assert totp.validate_code(code)


@pytest.mark.django_db
def test_demo_notifications_stay_in_the_app_and_mail_nobody(capsys, settings):
    from apps.notifications.models import Notification

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # as `make run`

    call_command("seed_demo")

    printed = capsys.readouterr().out
    assert "Subject:" not in printed  # no demo mail in the console
    assert Notification.objects.filter(user__email="anna@stride.local").exists()
