"""Active sessions: people see where they are signed in and end any of them, web and app alike;
nobody can see or end another person's sessions."""

import pytest
from allauth.usersessions.models import UserSession
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory
from tests.conftest import session_token

SESSIONS = "/_allauth/app/v1/auth/sessions"


def _signed_in(user, agent: str) -> tuple[APIClient, str]:
    client = APIClient(HTTP_USER_AGENT=agent)
    token = session_token(client, user.email)
    client.credentials(HTTP_X_SESSION_TOKEN=token)
    return client, token


@pytest.mark.django_db
def test_a_user_lists_and_ends_their_app_sessions():
    user = UserFactory()
    phone, _phone_token = _signed_in(user, "StridePhone/1.0")
    tablet, _tablet_token = _signed_in(user, "StrideTablet/1.0")

    listed = phone.get(SESSIONS)
    assert listed.status_code == 200
    sessions = listed.json()["data"]
    assert sorted(s["user_agent"] for s in sessions) == ["StridePhone/1.0", "StrideTablet/1.0"]
    tablet_id = next(s["id"] for s in sessions if s["user_agent"] == "StrideTablet/1.0")

    ended = phone.delete(SESSIONS, {"sessions": [tablet_id]}, format="json")

    assert ended.status_code == 200
    assert tablet.get("/api/v1/me/").status_code == 401  # the tablet's token no longer works
    assert phone.get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_nobody_sees_or_ends_another_persons_sessions():
    owner, intruder = UserFactory(), UserFactory()
    owner_client, _ = _signed_in(owner, "OwnerPhone/1.0")
    intruder_client, _ = _signed_in(intruder, "Intruder/1.0")
    owner_session = UserSession.objects.get(user=owner)

    listed = intruder_client.get(SESSIONS).json()["data"]
    assert [s["user_agent"] for s in listed] == ["Intruder/1.0"]

    response = intruder_client.delete(SESSIONS, {"sessions": [owner_session.pk]}, format="json")

    assert response.status_code == 400
    assert UserSession.objects.filter(pk=owner_session.pk).exists()
    assert owner_client.get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_anonymous_callers_see_no_sessions():
    response = APIClient().get(SESSIONS)
    assert response.status_code == 401
