"""An activity a moderator hid is hidden on training's own pages and API too (not only in the
feed) for everyone but its owner and staff: through the lookup groups registers in
training's selectors (training never imports groups)."""

import pytest
from django.contrib.auth.models import Permission

from apps.groups import services
from apps.groups.models import Appeal
from apps.training import selectors as training_selectors
from tests.accounts.factories import UserFactory
from tests.groups.conftest import record_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    person = UserFactory(display_name="Mod")
    person.user_permissions.add(Permission.objects.get(codename="moderate"))
    return person


@pytest.fixture
def hidden_run(alice, bob, moderator):
    """Bob's public run, which Alice (a follower) reported and a moderator hid."""
    run = record_run(bob, visibility="public")
    services.follow_create(follower=alice, followee_id=bob.pk)
    report = services.report_create(
        reporter=alice, target_type="activity", target_id=run.pk, reason="inappropriate"
    )
    action = services.moderation_act(
        moderator=moderator, report=report, kind="hide", reason="Not a workout"
    )
    return run, action


def _web(client, user):
    client.force_login(user)
    return client


def test_others_no_longer_see_a_hidden_activity_on_training_pages_and_api(
    hidden_run, alice, bob, client, token_client
):
    run, _action = hidden_run
    web = _web(client, alice)
    api = token_client(alice)
    assert web.get(f"/activities/{run.pk}/").status_code == 404
    assert web.get(f"/activities/{run.pk}/gpx/").status_code == 404
    response = api.get(f"/api/v1/activities/{run.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
    assert api.get(f"/api/v1/activities/{run.pk}/streams/").status_code == 404
    assert api.get(f"/api/v1/activities/{run.pk}/gpx/").status_code == 404
    assert api.get(f"/api/v1/users/{bob.pk}/activities/").json()["results"] == []
    # Signed out, a public activity is normally viewable by link: not once hidden.
    assert training_selectors.activity_get(viewer=None, activity_id=run.pk) is None
    assert not training_selectors.visible_activities(viewer=None, owner_id=bob.pk).exists()


def test_the_owner_and_staff_still_see_it(hidden_run, bob, client, token_client):
    run, _action = hidden_run
    staff = UserFactory(is_staff=True)
    for person in (bob, staff):
        web = _web(client, person)
        assert web.get(f"/activities/{run.pk}/").status_code == 200
        api = token_client(person)
        assert api.get(f"/api/v1/activities/{run.pk}/").json()["id"] == run.pk
        assert [
            a["id"] for a in api.get(f"/api/v1/users/{bob.pk}/activities/").json()["results"]
        ] == [run.pk]


def test_a_reversed_decision_shows_the_activity_again(
    hidden_run, alice, bob, moderator, token_client
):
    run, action = hidden_run
    appeal = services.appeal_create(user=bob, action_id=action.pk, text="It was a real run")
    services.appeal_decide(moderator=moderator, appeal=appeal, reverse_action=True)
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.Status.REVERSED
    api = token_client(alice)
    assert api.get(f"/api/v1/activities/{run.pk}/").json()["id"] == run.pk
    assert [a["id"] for a in api.get(f"/api/v1/users/{bob.pk}/activities/").json()["results"]] == [
        run.pk
    ]


def test_other_activities_of_the_owner_stay_visible(hidden_run, alice, bob, token_client):
    _run, _action = hidden_run
    other = record_run(bob, visibility="public", minutes_later=90)
    listed = token_client(alice).get(f"/api/v1/users/{bob.pk}/activities/").json()["results"]
    assert [a["id"] for a in listed] == [other.pk]


def test_the_hidden_list_stays_one_query_for_a_page(
    hidden_run, alice, bob, token_client, django_assert_max_num_queries
):
    for minutes in range(0, 5 * 60, 60):
        record_run(bob, visibility="public", minutes_later=1000 + minutes)
    api = token_client(alice)
    api.get(f"/api/v1/users/{bob.pk}/activities/")  # warm up (session, consents)
    with django_assert_max_num_queries(12) as captured:
        first = api.get(f"/api/v1/users/{bob.pk}/activities/")
    assert len(first.json()["results"]) == 5
    for minutes in range(0, 5 * 60, 60):
        record_run(bob, visibility="public", minutes_later=2000 + minutes)
    with django_assert_max_num_queries(len(captured)):
        second = api.get(f"/api/v1/users/{bob.pk}/activities/")
    assert len(second.json()["results"]) == 10


def test_without_the_community_lookup_training_hides_nothing(hidden_run, alice):
    """The hook is what hides it: training keeps working on its own (and the test puts the
    registered lookup back)."""
    run, _action = hidden_run
    previous = training_selectors.moderation_lookup()
    training_selectors.register_moderation_lookup(None, None)
    try:
        assert training_selectors.activity_get(viewer=alice, activity_id=run.pk) == run
    finally:
        training_selectors.register_moderation_lookup(*previous)
    assert training_selectors.activity_get(viewer=alice, activity_id=run.pk) is None
