"""Reports and moderation: members report content or people; moderators hide, warn or
suspend with a reason; the person is told and may appeal once."""

import pytest
from django.contrib.auth.models import Permission

from apps.groups import selectors, services
from apps.groups.models import Comment, ModerationAction, Report
from apps.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.groups.conftest import record_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    person = UserFactory(display_name="Mod")
    person.user_permissions.add(Permission.objects.get(codename="moderate"))
    return person


def test_a_reported_comment_is_hidden_the_author_told_and_the_appeal_reverses_it(
    alice, bob, moderator, token_client
):
    run = record_run(alice)
    comment = services.comment_create(author=bob, activity_id=run.pk, body="You are slow")
    report = token_client(alice).post(
        "/api/v1/reports/",
        {"target_type": "comment", "target_id": comment.pk, "reason": "harassment"},
        format="json",
    )
    assert report.status_code == 201
    assert report.json()["subject"] == bob.pk
    again = token_client(alice).post(
        "/api/v1/reports/",
        {"target_type": "comment", "target_id": comment.pk, "reason": "spam"},
        format="json",
    )
    assert again.json()["id"] == report.json()["id"]

    queue = token_client(moderator).get("/api/v1/moderation/reports/").json()["results"]
    assert [r["id"] for r in queue] == [report.json()["id"]]
    assert token_client(bob).get("/api/v1/moderation/reports/").status_code == 403

    acted = token_client(moderator).post(
        f"/api/v1/moderation/reports/{report.json()['id']}/act/",
        {"action": "hide", "reason": "Insulting another member."},
        format="json",
    )
    assert acted.status_code == 201
    assert Comment.objects.get(pk=comment.pk).hidden_at is not None
    assert Report.objects.get().status == "actioned"
    assert token_client(alice).get(f"/api/v1/activities/{run.pk}/comments/").json()["results"] == []
    told = Notification.objects.get(user=bob, kind="moderation")
    assert told.context["reason"] == "Insulting another member."

    mine = token_client(bob).get("/api/v1/moderation/mine/").json()["results"]
    assert [(a["kind"], a["appeal_status"]) for a in mine] == [("hide", None)]
    action_id = mine[0]["id"]
    appeal = token_client(bob).post(
        f"/api/v1/moderation/actions/{action_id}/appeal/", {"text": "It was a joke"}, format="json"
    )
    assert appeal.status_code == 201
    twice = token_client(bob).post(
        f"/api/v1/moderation/actions/{action_id}/appeal/", {"text": "Please"}, format="json"
    )
    assert twice.status_code == 409 and twice.json()["code"] == "ALREADY_APPEALED"
    assert (
        token_client(alice)
        .post(f"/api/v1/moderation/actions/{action_id}/appeal/", {"text": "x"}, format="json")
        .status_code
        == 404
    )

    decided = token_client(moderator).post(
        f"/api/v1/moderation/appeals/{appeal.json()['id']}/decide/",
        {"reverse": True, "response": "Fair enough."},
        format="json",
    )
    assert decided.json()["status"] == "reversed"
    assert Comment.objects.get(pk=comment.pk).hidden_at is None
    assert Notification.objects.filter(user=bob, kind="moderation").count() == 2


def test_a_suspended_person_cannot_follow_comment_or_give_kudos(alice, bob, moderator):
    run = record_run(alice)
    action = services.moderation_act(
        moderator=moderator,
        kind="suspend",
        reason="Spam",
        target_type="user",
        target_id=bob.pk,
        subject=bob,
        suspend_days=3,
    )
    assert selectors.is_suspended(user=bob)
    for attempt in (
        lambda: services.follow_create(follower=bob, followee_id=alice.pk),
        lambda: services.comment_create(author=bob, activity_id=run.pk, body="buy now"),
        lambda: services.kudos_give(user=bob, activity_id=run.pk),
        lambda: services.group_create(owner=bob, name="Spam"),
    ):
        with pytest.raises(services.exceptions.Suspended):
            attempt()
    appeal = services.appeal_create(user=bob, action_id=action.pk, text="Not spam")
    services.appeal_decide(moderator=moderator, appeal=appeal, reverse_action=True)
    assert not selectors.is_suspended(user=bob)
    services.follow_create(follower=bob, followee_id=alice.pk)


def test_a_hidden_activity_leaves_the_feed(alice, bob, moderator, token_client):
    run = record_run(bob)
    services.follow_create(follower=alice, followee_id=bob.pk)
    report = services.report_create(
        reporter=alice, target_type="activity", target_id=run.pk, reason="inappropriate"
    )
    services.moderation_act(moderator=moderator, report=report, kind="hide", reason="Nudity")
    assert token_client(alice).get("/api/v1/feed/").json()["results"] == []
    assert token_client(alice).post(f"/api/v1/activities/{run.pk}/kudos/").status_code == 404


def test_non_moderators_cannot_act_and_reasons_are_required(alice, bob, moderator, token_client):
    report = services.report_create(
        reporter=alice, target_type="user", target_id=bob.pk, reason="spam"
    )
    assert (
        token_client(bob)
        .post(
            f"/api/v1/moderation/reports/{report.pk}/act/",
            {"action": "warn", "reason": "x"},
            format="json",
        )
        .status_code
        == 403
    )
    blank = token_client(moderator).post(
        f"/api/v1/moderation/reports/{report.pk}/act/",
        {"action": "warn", "reason": " "},
        format="json",
    )
    assert blank.status_code == 400
    person_hidden = token_client(moderator).post(
        f"/api/v1/moderation/reports/{report.pk}/act/",
        {"action": "hide", "reason": "x"},
        format="json",
    )
    assert person_hidden.status_code == 400
    assert not ModerationAction.objects.exists()


def test_one_cannot_report_what_one_cannot_see(alice, bob, token_client):
    private = record_run(bob, visibility="only_me")
    response = token_client(alice).post(
        "/api/v1/reports/",
        {"target_type": "activity", "target_id": private.pk, "reason": "spam"},
        format="json",
    )
    assert response.status_code == 404
    assert not Report.objects.exists()
