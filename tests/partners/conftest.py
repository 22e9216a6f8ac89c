import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from tests.accounts.factories import UserFactory


@pytest.fixture
def staff_client():
    staff = UserFactory(is_staff=True, is_superuser=True, language="en")
    TOTP.activate(staff, generate_totp_secret())
    client = Client()
    client.force_login(staff)
    return client
