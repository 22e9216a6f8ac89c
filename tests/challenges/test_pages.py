from datetime import UTC, datetime

import pytest

from apps.challenges import services
from apps.challenges.models import Participation
from tests.accounts.factories import UserFactory
from tests.challenges.conftest import record

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("frozen_june")
def test_challenge_pages_join_show_progress_and_leave(client, challenge):
    user = UserFactory()
    client.force_login(user)
    record(user, km=10)
    assert "June 50 km" in client.get("/challenges/").content.decode()
    response = client.post(f"/challenges/{challenge.pk}/membership/", {"action": "join"})
    assert response.status_code == 302
    page = client.get(f"/challenges/{challenge.pk}/").content.decode()
    assert 'value="20.000000"' in page  # the progress bar: 10 of 50 km
    client.post(f"/challenges/{challenge.pk}/membership/", {"action": "leave"})
    assert not Participation.objects.filter(user=user).exists()


def test_badges_and_leaderboard_pages(client):
    user = UserFactory()
    client.force_login(user)
    today = datetime.now(UTC).date()
    record(user, km=6, minutes=40, day=(today.year, today.month, today.day), hour=0)
    assert "First 5 km" in client.get("/challenges/badges/").content.decode()
    page = client.get("/leaderboards/?sport=run&period=month").content.decode()
    assert f"<td>1</td><td>{user.public_name}</td><td>6000</td>" in page
    client.post("/leaderboards/?sport=run", {"hidden": "on"})
    assert services.selectors.is_hidden(user=user)
    assert client.get("/leaderboards/?period=year").status_code == 404


def test_pages_need_a_sign_in(client):
    for url in ("/challenges/", "/challenges/badges/", "/leaderboards/"):
        assert client.get(url).status_code == 302
