import pytest

from tests.accounts.factories import UserFactory


@pytest.mark.django_db
def test_me_can_change_display_name_and_language(token_client):
    user = UserFactory(display_name="Old")
    client = token_client(user)

    response = client.patch(
        "/api/v1/me/", {"display_name": "  Nina  ", "language": "de"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["display_name"] == "Nina"
    assert response.json()["language"] == "de"
    user.refresh_from_db()
    assert (user.display_name, user.language) == ("Nina", "de")


@pytest.mark.django_db
def test_me_ignores_fields_it_does_not_own(token_client):
    user = UserFactory()
    response = token_client(user).patch(
        "/api/v1/me/", {"email": "hijack@example.com", "is_staff": True}, format="json"
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email != "hijack@example.com"
    assert user.is_staff is False


@pytest.mark.django_db
def test_me_stores_text_verbatim(token_client):
    # Stored as typed; escaping is the renderer's job (templates auto-escape, JSON is JSON).
    user = UserFactory()
    response = token_client(user).patch(
        "/api/v1/me/", {"display_name": "<script>x</script>"}, format="json"
    )
    assert response.json()["display_name"] == "<script>x</script>"


@pytest.mark.django_db
def test_the_dashboard_escapes_user_text(client):
    user = UserFactory(display_name="<script>alert(1)</script>")
    client.force_login(user)
    response = client.get("/dashboard/")
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
