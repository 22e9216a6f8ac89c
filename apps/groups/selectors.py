"""Reads of the community: the social graph, groups and their members, the feed."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts import selectors as accounts_selectors
from apps.accounts.models import Visibility
from apps.core.db_router import replica_safe_queryset
from apps.groups.models import (
    Appeal,
    Block,
    Comment,
    EventRSVP,
    Follow,
    Group,
    GroupEvent,
    GroupInvite,
    Kudos,
    Membership,
    ModerationAction,
    Mute,
    Privacy,
    Report,
    Role,
    TargetType,
)
from apps.training import selectors as training_selectors


def _pk(obj) -> int | None:
    """An id from a model instance or an id (None for anonymous people)."""
    if obj is None:
        return None
    if isinstance(obj, int):
        return obj
    if getattr(obj, "is_authenticated", True) is False:
        return None
    return obj.pk


# --- social graph ---------------------------------------------------------------------------


def follows(a, b) -> bool:
    """Whether `a` follows `b` (an approved follow, not a pending request)."""
    a_id, b_id = _pk(a), _pk(b)
    if a_id is None or b_id is None:
        return False
    return Follow.objects.filter(
        follower_id=a_id, followee_id=b_id, status=Follow.Status.ACTIVE
    ).exists()


def follow_get(*, follower, followee) -> Follow | None:
    return Follow.objects.filter(follower_id=_pk(follower), followee_id=_pk(followee)).first()


def followed_ids(user) -> QuerySet:
    """Ids of the people `user` follows (approved), as a subquery."""
    return Follow.objects.filter(follower_id=_pk(user), status=Follow.Status.ACTIVE).values(
        "followee_id"
    )


def is_blocked_between(a, b) -> bool:
    """Whether either of the two blocked the other."""
    a_id, b_id = _pk(a), _pk(b)
    if a_id is None or b_id is None or a_id == b_id:
        return False
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def blocked_ids(user) -> set[int]:
    """Everyone `user` blocked or was blocked by (both are invisible to each other)."""
    uid = _pk(user)
    if uid is None:
        return set()
    pairs = Block.objects.filter(Q(blocker_id=uid) | Q(blocked_id=uid)).values_list(
        "blocker_id", "blocked_id"
    )
    return {other for pair in pairs for other in pair if other != uid}


def muted_ids(user) -> QuerySet:
    return Mute.objects.filter(muter_id=_pk(user)).values("muted_id")


def is_muted(*, muter, muted) -> bool:
    return Mute.objects.filter(muter_id=_pk(muter), muted_id=_pk(muted)).exists()


def followers_of(*, user) -> QuerySet[Follow]:
    return (
        Follow.objects.filter(followee_id=_pk(user), status=Follow.Status.ACTIVE)
        .select_related("follower")
        .order_by("-created", "-id")
    )


def following_of(*, user) -> QuerySet[Follow]:
    return (
        Follow.objects.filter(follower_id=_pk(user), status=Follow.Status.ACTIVE)
        .select_related("followee")
        .order_by("-created", "-id")
    )


def follow_requests_for(*, user) -> QuerySet[Follow]:
    """Pending requests to follow `user`."""
    return (
        Follow.objects.filter(followee_id=_pk(user), status=Follow.Status.PENDING)
        .select_related("follower")
        .order_by("-created", "-id")
    )


# --- groups ---------------------------------------------------------------------------------


def membership_get(user, group) -> Membership | None:
    uid, gid = _pk(user), _pk(group)
    if uid is None or gid is None:
        return None
    return Membership.objects.filter(user_id=uid, group_id=gid).first()


def is_member(user, group) -> bool:
    """Whether `user` is an (approved) member of `group`."""
    uid, gid = _pk(user), _pk(group)
    if uid is None or gid is None:
        return False
    return Membership.objects.filter(
        user_id=uid, group_id=gid, status=Membership.Status.ACTIVE
    ).exists()


def active_member_ids(group_id: int) -> QuerySet:
    """The ids of a group's approved members, as a subquery (group leaderboards)."""
    return Membership.objects.filter(group_id=group_id, status=Membership.Status.ACTIVE).values(
        "user_id"
    )


def member_role(user, group) -> str | None:
    """`owner`, `admin` or `member` for an approved member; None otherwise."""
    uid, gid = _pk(user), _pk(group)
    if uid is None or gid is None:
        return None
    return (
        Membership.objects.filter(user_id=uid, group_id=gid, status=Membership.Status.ACTIVE)
        .values_list("role", flat=True)
        .first()
    )


def is_group_admin(user, group) -> bool:
    return member_role(user, group) in (Role.OWNER, Role.ADMIN)


def group_ids_of(user) -> QuerySet:
    return Membership.objects.filter(user_id=_pk(user), status=Membership.Status.ACTIVE).values(
        "group_id"
    )


def group_get(*, slug: str) -> Group | None:
    return Group.objects.filter(slug=slug).first()


def group_visible(*, viewer, group: Group) -> bool:
    """Public and private groups show their page to everyone; invite-only groups and groups a
    moderator hid only to their members (hidden: and moderators)."""
    if group.hidden_at is not None:
        return is_moderator(viewer) or is_member(viewer, group)
    if group.privacy == Privacy.INVITE_ONLY:
        return is_member(viewer, group)
    return True


def group_list(*, viewer, mine: bool = False) -> QuerySet[Group]:
    """Groups to browse (public and private, not hidden) or the viewer's own."""
    qs = Group.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__status="active"))
    )
    if mine:
        return qs.filter(pk__in=group_ids_of(viewer))
    return qs.filter(hidden_at__isnull=True).exclude(privacy=Privacy.INVITE_ONLY)


def group_get_annotated(*, slug: str) -> Group | None:
    return (
        Group.objects.annotate(
            member_count=Count("memberships", filter=Q(memberships__status="active"))
        )
        .filter(slug=slug)
        .first()
    )


def members_of(*, group, status: str = Membership.Status.ACTIVE) -> QuerySet[Membership]:
    return Membership.objects.filter(group=group, status=status).select_related("user")


def event_list(*, group, upcoming_only: bool = False, started_within=None) -> QuerySet[GroupEvent]:
    """A group's events; `upcoming_only`: not cancelled and not started yet, or started less
    than `started_within` (a timedelta) ago — an event under way keeps its page reachable
    (its live run starts from there)."""
    qs = GroupEvent.objects.filter(group=group).annotate(
        going_count=Count("rsvps", filter=Q(rsvps__answer="going"))
    )
    if upcoming_only:
        since = timezone.now() - (started_within or timedelta(0))
        qs = qs.filter(starts_at__gte=since, cancelled_at__isnull=True)
    return qs.select_related("route")


def event_get(*, viewer, event_id: int) -> GroupEvent | None:
    """An event of a group the viewer may see."""
    event = (
        GroupEvent.objects.select_related("group", "route")
        .annotate(going_count=Count("rsvps", filter=Q(rsvps__answer="going")))
        .filter(pk=event_id)
        .first()
    )
    if event is None or not group_visible(viewer=viewer, group=event.group):
        return None
    return event


def rsvp_of(*, user, event) -> str | None:
    return (
        EventRSVP.objects.filter(user_id=_pk(user), event=event)
        .values_list("answer", flat=True)
        .first()
    )


def invites_of(*, group) -> QuerySet[GroupInvite]:
    return GroupInvite.objects.filter(group=group, revoked_at__isnull=True).order_by("-created")


# --- feed, kudos, comments ------------------------------------------------------------------


def hidden_activity_ids() -> QuerySet:
    """Activities a moderator hid from the community (unless the decision was reversed)."""
    return ModerationAction.objects.filter(
        kind=ModerationAction.Kind.HIDE,
        target_type=TargetType.ACTIVITY,
        reversed_at__isnull=True,
    ).values("target_id")


def activity_hidden(*, activity_id: int) -> bool:
    return hidden_activity_ids().filter(target_id=activity_id).exists()


def community_activity(*, viewer, activity_id: int):
    """An activity the viewer may see and that a moderator has not hidden; None otherwise."""
    activity = training_selectors.activity_get(viewer=viewer, activity_id=activity_id)
    if activity is None or activity_hidden(activity_id=activity_id):
        return None
    return activity


def _with_social_counts(qs: QuerySet, viewer) -> QuerySet:
    """Kudos and comment counts and whether the viewer gave kudos, as subqueries (no N+1)."""
    kudos = Kudos.objects.filter(activity=OuterRef("pk"))
    comments = Comment.objects.filter(activity=OuterRef("pk"), hidden_at__isnull=True)
    blocked = blocked_ids(viewer)
    if blocked:
        kudos = kudos.exclude(user_id__in=blocked)
        comments = comments.exclude(author_id__in=blocked)
    return qs.annotate(
        kudos_count=Coalesce(
            Subquery(
                kudos.values("activity").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
        comment_count=Coalesce(
            Subquery(
                comments.values("activity").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
        gave_kudos=Exists(Kudos.objects.filter(activity=OuterRef("pk"), user_id=_pk(viewer))),
    )


@replica_safe_queryset
def feed(*, viewer) -> QuerySet:
    """Activities of the people `viewer` follows and their own, newest first, as training's
    privacy rules allow (visibility, owner-only providers, blocks), without muted people and
    activities a moderator hid. The queryset reads from the replica: only GET pages and the
    feed API read it, and a feed a moment behind is fine (its kudos counts too, right after
    giving kudos; an activity's own page reads the primary); blocks are read on the primary."""
    qs = training_selectors.visible_activities(viewer=viewer).filter(
        Q(owner_id=viewer.pk) | Q(owner_id__in=followed_ids(viewer))
    )
    qs = qs.exclude(owner_id__in=muted_ids(viewer)).exclude(pk__in=hidden_activity_ids())
    return _with_social_counts(qs.select_related("owner__profile"), viewer)


def person_activities(*, viewer, person) -> QuerySet:
    """One person's activities as `viewer` may see them (blocks and moderation applied)."""
    qs = training_selectors.visible_activities(viewer=viewer, owner_id=_pk(person)).exclude(
        pk__in=hidden_activity_ids()
    )
    return _with_social_counts(qs.select_related("owner__profile"), viewer)


def kudos_for(*, viewer, activity_id: int) -> QuerySet[Kudos]:
    return (
        Kudos.objects.filter(activity_id=activity_id)
        .exclude(user_id__in=blocked_ids(viewer))
        .select_related("user")
    )


def comments_for(*, viewer, activity_id: int) -> QuerySet[Comment]:
    """Visible comments on an activity, oldest first: none by people blocked either way."""
    return (
        Comment.objects.filter(activity_id=activity_id, hidden_at__isnull=True)
        .exclude(author_id__in=blocked_ids(viewer))
        .select_related("author")
    )


def comment_get(*, viewer, comment_id: int) -> Comment | None:
    """A comment the viewer can see (its activity visible to them, not hidden, no block)."""
    comment = (
        Comment.objects.select_related("author", "activity")
        .filter(pk=comment_id, hidden_at__isnull=True)
        .first()
    )
    if comment is None or is_blocked_between(viewer, comment.author_id):
        return None
    if not training_selectors.can_view(viewer=viewer, activity=comment.activity):
        return None
    return comment


# --- people ---------------------------------------------------------------------------------


def person_get(*, viewer, person_id: int):
    """A person the viewer may look at: active, and no block between them."""
    person = (
        get_user_model()
        .objects.filter(pk=person_id, is_active=True)
        .select_related("profile")
        .first()
    )
    if person is None or is_blocked_between(viewer, person):
        return None
    return person


def profile_visible(*, viewer, person) -> bool:
    """Whether the viewer sees a person's profile details (by their profile visibility)."""
    if _pk(viewer) == person.pk:
        return True
    visibility = accounts_selectors.profile_for(user=person).profile_visibility
    if visibility == Visibility.PUBLIC:
        return True
    if visibility == Visibility.FOLLOWERS:
        return follows(viewer, person)
    return False


def follow_counts(*, person) -> dict[str, int]:
    return {
        "followers": Follow.objects.filter(followee=person, status=Follow.Status.ACTIVE).count(),
        "following": Follow.objects.filter(follower=person, status=Follow.Status.ACTIVE).count(),
    }


def suggested_people(*, user, limit: int = 10) -> list:
    """People to follow: those in the same groups and those the people one follows follow,
    ranked by how many such ties there are; never oneself, people followed or asked already,
    or anyone blocked either way."""
    uid = _pk(user)
    excluded = (
        set(Follow.objects.filter(follower_id=uid).values_list("followee_id", flat=True))
        | blocked_ids(uid)
        | {uid}
    )
    scores: dict[int, int] = {}
    same_groups = (
        Membership.objects.filter(group_id__in=group_ids_of(uid), status=Membership.Status.ACTIVE)
        .exclude(user_id__in=excluded)
        .values("user_id")
        .annotate(n=Count("group_id", distinct=True))
    )
    for row in same_groups[:200]:
        scores[row["user_id"]] = scores.get(row["user_id"], 0) + row["n"]
    friends_of_friends = (
        Follow.objects.filter(follower_id__in=followed_ids(uid), status=Follow.Status.ACTIVE)
        .exclude(followee_id__in=excluded)
        .values("followee_id")
        .annotate(n=Count("follower_id", distinct=True))
    )
    for row in friends_of_friends[:200]:
        scores[row["followee_id"]] = scores.get(row["followee_id"], 0) + row["n"]
    ranked = sorted(scores, key=lambda pk: (-scores[pk], pk))[:limit]
    people = get_user_model().objects.in_bulk(ranked)
    return [(people[pk], scores[pk]) for pk in ranked if pk in people and people[pk].is_active]


# --- moderation -----------------------------------------------------------------------------


def is_moderator(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.has_perm("groups.moderate"))


def is_suspended(*, user) -> bool:
    return ModerationAction.objects.filter(
        subject_id=_pk(user),
        kind=ModerationAction.Kind.SUSPEND,
        reversed_at__isnull=True,
        suspended_until__gt=timezone.now(),
    ).exists()


def report_queue(*, status: str = Report.Status.OPEN) -> QuerySet[Report]:
    return Report.objects.filter(status=status).select_related("reporter", "subject")


def actions_about(*, user) -> QuerySet[ModerationAction]:
    """The decisions about a person, with their appeal if any."""
    return ModerationAction.objects.filter(subject_id=_pk(user)).select_related("appeal")


def appeal_queue() -> QuerySet[Appeal]:
    return Appeal.objects.filter(status=Appeal.Status.PENDING).select_related("action")


def rsvps_of(*, user, events) -> dict[int, str]:
    """The user's answers to several events, in one query."""
    return dict(
        EventRSVP.objects.filter(user_id=_pk(user), event__in=[e.pk for e in events]).values_list(
            "event_id", "answer"
        )
    )


def invite_get(*, token: str) -> GroupInvite | None:
    """A usable invite (not revoked, expired or used up)."""
    invite = GroupInvite.objects.select_related("group").filter(token=token).first()
    if invite is None or invite.revoked_at is not None:
        return None
    if invite.expires_at is not None and invite.expires_at <= timezone.now():
        return None
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return None
    return invite
