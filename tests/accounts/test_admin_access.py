"""The admin opens only for active staff with two-factor authentication."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from tests.accounts.factories import UserFactory


@pytest.mark.django_db
def test_visitors_are_sent_to_the_allauth_login():
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"

    response = Client().get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"


@pytest.mark.django_db
def test_staff_without_2fa_are_asked_to_turn_it_on():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/2fa/"
    assert "Turn on two-factor authentication to use the admin" in response.content.decode()


@pytest.mark.django_db
def test_members_are_not_let_in():
    client = Client()
    client.force_login(UserFactory())
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert "The admin is for staff only." in response.content.decode()


@pytest.mark.django_db
def test_staff_with_2fa_get_the_admin():
    staff = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    client = Client()
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert b"Site administration" in response.content


@pytest.mark.django_db
def test_the_admin_never_shows_password_hashes_or_secrets():
    staff = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    member = UserFactory()
    client = Client()
    client.force_login(staff)

    page = client.get(f"/admin/accounts/user/{member.pk}/change/").content.decode()

    assert member.password not in page
    assert member.password.split("$")[-1] not in page


@pytest.mark.django_db
def test_staff_see_a_users_consents_and_publish_new_versions():
    from apps.accounts.models import ConsentDocument
    from tests.accounts.consents import agree_to_all, publish_documents

    publish_documents()
    staff = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    agree_to_all(staff)
    member = UserFactory()
    agree_to_all(member)
    client = Client()
    client.force_login(staff)

    page = client.get(f"/admin/accounts/user/{member.pk}/change/").content.decode()
    assert "Terms of use v1" in page

    draft = ConsentDocument.objects.create(kind="terms", version=2, title="Terms v2", body="New.")
    client.post(
        "/admin/accounts/consentdocument/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.published_at is not None
