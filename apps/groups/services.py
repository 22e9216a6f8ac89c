"""Every write of the community: follows, blocks, mutes, kudos, comments, groups and their
members, invites and events, and moderation. Notifications go out through
`apps.notifications.services.notify` inside the caller's transaction (it delivers after
commit)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.accounts import selectors as accounts_selectors
from apps.accounts.models import Visibility
from apps.groups import exceptions, selectors
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
from apps.notifications import services as notifications
from apps.training import routes as training_routes
from apps.training import selectors as training_selectors

SUSPENSION_DAYS = 7


def _check_not_suspended(user) -> None:
    if selectors.is_suspended(user=user):
        raise exceptions.Suspended()


def _person(user_id: int):
    person = accounts_selectors.user_get(user_id=user_id)
    if person is None:
        raise exceptions.NotFound(_("No such person."))
    return person


def _profile_url(user) -> str:
    return reverse("groups:person", args=[user.pk])


# --- follows --------------------------------------------------------------------------------


def follow_create(*, follower, followee_id: int) -> Follow:
    """Follow someone, or ask to if their profile is not public. Repeating it changes nothing."""
    if follower.pk == followee_id:
        raise exceptions.CannotFollow(_("You cannot follow yourself."))
    followee = _person(followee_id)
    if selectors.is_blocked_between(follower, followee):
        raise exceptions.Blocked()
    _check_not_suspended(follower)
    existing = selectors.follow_get(follower=follower, followee=followee)
    if existing is not None:
        return existing
    profile = accounts_selectors.profile_for(user=followee)
    status = (
        Follow.Status.ACTIVE
        if profile.profile_visibility == Visibility.PUBLIC
        else Follow.Status.PENDING
    )
    try:
        with transaction.atomic():
            follow = Follow.objects.create(follower=follower, followee=followee, status=status)
            kind = "new_follower" if status == Follow.Status.ACTIVE else "follow_request"
            notifications.notify(
                followee,
                kind,
                {"actor_name": str(follower.public_name), "url": _profile_url(follower)},
            )
    except IntegrityError:  # a concurrent duplicate: the first one stands
        return Follow.objects.get(follower=follower, followee=followee)
    return follow


def follow_delete(*, follower, followee_id: int) -> None:
    """Stop following (or withdraw a request)."""
    Follow.objects.filter(follower=follower, followee_id=followee_id).delete()


def follow_request_approve(*, user, follower_id: int) -> Follow:
    with transaction.atomic():
        follow = (
            Follow.objects.select_for_update()
            .filter(followee=user, follower_id=follower_id)
            .select_related("follower")
            .first()
        )
        if follow is None:
            raise exceptions.NotFound(_("No such follow request."))
        if follow.status == Follow.Status.PENDING:
            follow.status = Follow.Status.ACTIVE
            follow.save(update_fields=["status", "modified"])
            notifications.notify(
                follow.follower,
                "follow_accepted",
                {"actor_name": str(user.public_name), "url": _profile_url(user)},
            )
    return follow


def follow_request_decline(*, user, follower_id: int) -> None:
    deleted, _rows = Follow.objects.filter(
        followee=user, follower_id=follower_id, status=Follow.Status.PENDING
    ).delete()
    if not deleted:
        raise exceptions.NotFound(_("No such follow request."))


def follower_remove(*, user, follower_id: int) -> None:
    """Remove someone from your followers."""
    Follow.objects.filter(followee=user, follower_id=follower_id).delete()


# --- blocks and mutes -----------------------------------------------------------------------


def block_create(*, blocker, blocked_id: int) -> Block:
    """Block someone: neither sees the other any more, and follows both ways end."""
    if blocker.pk == blocked_id:
        raise exceptions.CommunityInvalid(_("You cannot block yourself."))
    blocked = _person(blocked_id)
    with transaction.atomic():
        block, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
        Follow.objects.filter(
            Q(follower=blocker, followee=blocked) | Q(follower=blocked, followee=blocker)
        ).delete()
    return block


def block_delete(*, blocker, blocked_id: int) -> None:
    Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()


def mute_create(*, muter, muted_id: int) -> Mute:
    """Keep following someone but leave their activities out of your feed."""
    if muter.pk == muted_id:
        raise exceptions.CommunityInvalid(_("You cannot mute yourself."))
    muted = _person(muted_id)
    mute, _created = Mute.objects.get_or_create(muter=muter, muted=muted)
    return mute


def mute_delete(*, muter, muted_id: int) -> None:
    Mute.objects.filter(muter=muter, muted_id=muted_id).delete()


# --- kudos and comments ---------------------------------------------------------------------


def _visible_activity(viewer, activity_id: int):
    activity = selectors.community_activity(viewer=viewer, activity_id=activity_id)
    if activity is None:
        raise exceptions.NotFound(_("No such activity."))
    return activity


def _activity_title(activity) -> str:
    return activity.title or activity.get_sport_display()


def kudos_give(*, user, activity_id: int) -> tuple[Kudos, bool]:
    """Give kudos once; the owner is told. Returns (kudos, created)."""
    activity = _visible_activity(user, activity_id)
    if activity.owner_id == user.pk:
        raise exceptions.CommunityInvalid(_("You cannot give kudos to your own activity."))
    _check_not_suspended(user)
    try:
        with transaction.atomic():
            kudos = Kudos.objects.create(activity=activity, user=user)
            notifications.notify(
                activity.owner,
                "kudos",
                {
                    "actor_name": str(user.public_name),
                    "activity_title": _activity_title(activity),
                    "url": reverse("groups:activity", args=[activity.pk]),
                },
                collapse_key=f"kudos:{activity.pk}",
            )
    except IntegrityError:
        return Kudos.objects.get(activity=activity, user=user), False
    return kudos, True


def kudos_remove(*, user, activity_id: int) -> None:
    Kudos.objects.filter(activity_id=activity_id, user=user).delete()


MENTION = re.compile(r"@(\w[\w .'-]{0,79})", re.UNICODE)


def _mentioned(author, activity, body: str) -> list:
    """People a comment names with `@Display Name`: among those the author follows or is
    followed by, the activity's owner and its other commenters; longest name wins."""
    tails = [m.group(1).lower() for m in MENTION.finditer(body)]
    if not tails:
        return []
    candidate_ids = (
        set(selectors.followed_ids(author).values_list("followee_id", flat=True))
        | set(
            Follow.objects.filter(followee=author, status=Follow.Status.ACTIVE).values_list(
                "follower_id", flat=True
            )
        )
        | set(Comment.objects.filter(activity=activity).values_list("author_id", flat=True))
        | {activity.owner_id}
    )
    candidate_ids.discard(author.pk)
    people = [
        p
        for p in get_user_model().objects.filter(pk__in=candidate_ids, is_active=True)
        if p.display_name.strip()
    ]
    found = {}
    for tail in tails:
        matches = [p for p in people if tail.startswith(p.display_name.strip().lower())]
        if matches:
            best = max(matches, key=lambda p: len(p.display_name))
            found[best.pk] = best
    return list(found.values())


def comment_create(*, author, activity_id: int, body: str) -> Comment:
    """Comment on an activity one can see; its owner and the people @mentioned are told."""
    activity = _visible_activity(author, activity_id)
    body = (body or "").strip()
    if not body:
        raise exceptions.CommunityInvalid(_("Write something first."), fields={"body": []})
    if len(body) > Comment.MAX_LENGTH:
        raise exceptions.CommunityInvalid(
            _("A comment can be at most %(n)d characters long.") % {"n": Comment.MAX_LENGTH}
        )
    _check_not_suspended(author)
    context = {
        "actor_name": str(author.public_name),
        "activity_title": _activity_title(activity),
        "url": reverse("groups:activity", args=[activity.pk]),
    }
    with transaction.atomic():
        mentioned = _mentioned(author, activity, body)
        comment = Comment.objects.create(activity=activity, author=author, body=body)
        if activity.owner_id != author.pk:
            notifications.notify(activity.owner, "comment", context)
        for person in mentioned:
            if person.pk == activity.owner_id:
                continue  # told about the comment already
            if selectors.is_blocked_between(person, author):
                continue
            if not training_selectors.can_view(viewer=person, activity=activity):
                continue
            notifications.notify(person, "mention", context)
    return comment


def comment_delete(*, user, comment_id: int) -> None:
    """The author or the activity's owner removes a comment."""
    comment = Comment.objects.select_related("activity").filter(pk=comment_id).first()
    if comment is None or user.pk not in (comment.author_id, comment.activity.owner_id):
        raise exceptions.NotFound(_("No such comment."))
    comment.delete()


# --- groups ---------------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:80] or "group"
    slug, n = base, 1
    while Group.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def group_create(*, owner, name: str, description: str = "", privacy: str = Privacy.PUBLIC):
    """A new group with its creator as owner."""
    name = (name or "").strip()
    if not name:
        raise exceptions.CommunityInvalid(_("Give the group a name."), fields={"name": []})
    if privacy not in Privacy.values:
        raise exceptions.CommunityInvalid(_("Unknown privacy setting."))
    _check_not_suspended(owner)
    with transaction.atomic():
        group = Group.objects.create(
            name=name[: Group.MAX_NAME],
            slug=_unique_slug(name),
            description=description,
            privacy=privacy,
            created_by=owner,
        )
        Membership.objects.create(group=group, user=owner, role=Role.OWNER)
    return group


def group_update(*, actor, group: Group, **changes) -> Group:
    _require_admin(actor, group)
    for field in ("name", "description", "privacy"):
        if field in changes:
            setattr(group, field, changes[field])
    if group.privacy not in Privacy.values or not group.name.strip():
        raise exceptions.CommunityInvalid()
    group.save()
    return group


def _require_admin(actor, group) -> str:
    role = selectors.member_role(actor, group)
    if role not in (Role.OWNER, Role.ADMIN):
        raise exceptions.NotGroupAdmin()
    return role


def _admins(group):
    return Membership.objects.filter(
        group=group, status=Membership.Status.ACTIVE, role__in=[Role.OWNER, Role.ADMIN]
    ).select_related("user")


def group_join(*, user, group: Group) -> Membership:
    """Join a public group, ask to join a private one; invite-only groups need a link."""
    existing = selectors.membership_get(user, group)
    if existing is not None:
        return existing
    if group.privacy == Privacy.INVITE_ONLY:
        raise exceptions.CannotJoin()
    _check_not_suspended(user)
    status = (
        Membership.Status.ACTIVE if group.privacy == Privacy.PUBLIC else Membership.Status.PENDING
    )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(group=group, user=user, status=status)
            if status == Membership.Status.PENDING:
                for admin in _admins(group):
                    notifications.notify(
                        admin.user,
                        "group_join_request",
                        {
                            "actor_name": str(user.public_name),
                            "group_name": group.name,
                            "url": reverse("groups:group", args=[group.slug]),
                        },
                    )
    except IntegrityError:
        return Membership.objects.get(group=group, user=user)
    return membership


def group_join_by_invite(*, user, token: str) -> Membership:
    """Join through an invite link (also invite-only and private groups)."""
    with transaction.atomic():
        invite = (
            GroupInvite.objects.select_for_update().select_related("group").filter(token=token)
        ).first()
        now = timezone.now()
        if (
            invite is None
            or invite.revoked_at is not None
            or (invite.expires_at is not None and invite.expires_at <= now)
            or (invite.max_uses is not None and invite.uses >= invite.max_uses)
        ):
            raise exceptions.InviteInvalid()
        _check_not_suspended(user)
        membership = selectors.membership_get(user, invite.group)
        if membership is not None and membership.status == Membership.Status.ACTIVE:
            return membership
        if membership is None:
            membership = Membership.objects.create(group=invite.group, user=user)
        else:
            membership.status = Membership.Status.ACTIVE
            membership.save(update_fields=["status", "modified"])
        invite.uses += 1
        invite.save(update_fields=["uses", "modified"])
    return membership


def group_request_approve(*, actor, group: Group, user_id: int) -> Membership:
    _require_admin(actor, group)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("user")
            .filter(group=group, user_id=user_id, status=Membership.Status.PENDING)
            .first()
        )
        if membership is None:
            raise exceptions.NotFound(_("No such request."))
        membership.status = Membership.Status.ACTIVE
        membership.save(update_fields=["status", "modified"])
        notifications.notify(
            membership.user,
            "group_join_accepted",
            {"group_name": group.name, "url": reverse("groups:group", args=[group.slug])},
        )
    return membership


def group_request_decline(*, actor, group: Group, user_id: int) -> None:
    _require_admin(actor, group)
    deleted, _rows = Membership.objects.filter(
        group=group, user_id=user_id, status=Membership.Status.PENDING
    ).delete()
    if not deleted:
        raise exceptions.NotFound(_("No such request."))


def _owner_count(group) -> int:
    return Membership.objects.filter(
        group=group, role=Role.OWNER, status=Membership.Status.ACTIVE
    ).count()


def group_leave(*, user, group: Group) -> None:
    """Leave a group (or withdraw a request); the last owner must hand over first."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(group=group, user=user).first()
        if membership is None:
            return
        if membership.role == Role.OWNER:
            owners = list(
                Membership.objects.select_for_update()
                .filter(group=group, role=Role.OWNER, status=Membership.Status.ACTIVE)
                .values_list("pk", flat=True)
            )
            if len(owners) <= 1:
                raise exceptions.LastOwner()
        membership.delete()


def member_role_set(*, actor, group: Group, user_id: int, role: str) -> Membership:
    """Owners appoint admins and owners and step them down; nobody demotes the last owner."""
    if role not in Role.values:
        raise exceptions.CommunityInvalid(_("Unknown role."))
    actor_role = _require_admin(actor, group)
    if actor_role != Role.OWNER:
        raise exceptions.NotGroupAdmin(_("Only the group's owners can change roles."))
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(group=group, user_id=user_id, status=Membership.Status.ACTIVE)
            .first()
        )
        if membership is None:
            raise exceptions.NotFound(_("No such member."))
        if membership.role == Role.OWNER and role != Role.OWNER and _owner_count(group) <= 1:
            raise exceptions.LastOwner(_("The group needs at least one owner."))
        membership.role = role
        membership.save(update_fields=["role", "modified"])
    return membership


def group_owner_transfer(*, actor, group: Group, user_id: int) -> Membership:
    """Hand the group over: the member becomes owner and the acting owner an admin."""
    if user_id == actor.pk:
        raise exceptions.CommunityInvalid(_("You are the owner already."))
    with transaction.atomic():
        new_owner = member_role_set(actor=actor, group=group, user_id=user_id, role=Role.OWNER)
        Membership.objects.filter(group=group, user=actor).update(role=Role.ADMIN)
    return new_owner


def member_remove(*, actor, group: Group, user_id: int) -> None:
    """Admins remove members; only owners remove admins; owners are not removed."""
    actor_role = _require_admin(actor, group)
    membership = Membership.objects.filter(group=group, user_id=user_id).first()
    if membership is None:
        raise exceptions.NotFound(_("No such member."))
    if membership.role == Role.OWNER or (
        membership.role == Role.ADMIN and actor_role != Role.OWNER
    ):
        raise exceptions.NotGroupAdmin(_("You cannot remove this member."))
    membership.delete()


def invite_create(
    *, actor, group: Group, max_uses: int | None = None, expires_at: datetime | None = None
) -> GroupInvite:
    """An invite link: any member for public and private groups, admins for invite-only."""
    role = selectors.member_role(actor, group)
    if role is None:
        raise exceptions.NotFound(_("No such group."))
    if group.privacy == Privacy.INVITE_ONLY and role == Role.MEMBER:
        raise exceptions.NotGroupAdmin()
    if expires_at is None:
        expires_at = timezone.now() + timedelta(days=14)
    return GroupInvite.objects.create(
        group=group, created_by=actor, max_uses=max_uses, expires_at=expires_at
    )


def invite_revoke(*, actor, invite: GroupInvite) -> None:
    if invite.created_by_id != actor.pk:
        _require_admin(actor, invite.group)
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at", "modified"])


def event_create(
    *,
    actor,
    group: Group,
    title: str,
    starts_at: datetime,
    place: str = "",
    description: str = "",
    lat: float | None = None,
    lng: float | None = None,
    route_id: int | None = None,
) -> GroupEvent:
    """Owners and admins schedule events; a planned route must be one the actor may see."""
    _require_admin(actor, group)
    if not (title or "").strip():
        raise exceptions.CommunityInvalid(_("Give the event a title."), fields={"title": []})
    if (lat is None) != (lng is None):
        raise exceptions.CommunityInvalid(_("Give both latitude and longitude, or neither."))
    if starts_at <= timezone.now():
        raise exceptions.CommunityInvalid(
            _("An event must start in the future."), fields={"starts_at": []}
        )
    route = None
    if route_id is not None:
        route = training_routes.route_get(viewer=actor, route_id=route_id)
        if route is None:
            raise exceptions.CommunityInvalid(_("No such route."), fields={"route": []})
    return GroupEvent.objects.create(
        group=group,
        title=title.strip(),
        description=description,
        starts_at=starts_at,
        place=place,
        lat=lat,
        lng=lng,
        route=route,
        created_by=actor,
    )


def event_cancel(*, actor, event: GroupEvent) -> GroupEvent:
    _require_admin(actor, event.group)
    if event.cancelled_at is None:
        event.cancelled_at = timezone.now()
        event.save(update_fields=["cancelled_at", "modified"])
    return event


def event_rsvp(*, user, event: GroupEvent, answer: str) -> EventRSVP:
    """Answer an event of one's group (again to change the answer)."""
    if answer not in EventRSVP.Answer.values:
        raise exceptions.CommunityInvalid(_("Answer going, maybe or not_going."))
    if not selectors.is_member(user, event.group_id):
        raise exceptions.NotFound(_("No such event."))
    if event.cancelled_at is not None:
        raise exceptions.CommunityInvalid(_("This event was cancelled."))
    rsvp, _created = EventRSVP.objects.update_or_create(
        event=event, user=user, defaults={"answer": answer}
    )
    return rsvp


# --- moderation -----------------------------------------------------------------------------


def _target_subject(reporter, target_type: str, target_id: int):
    """The person a report is about, if the reporter can see the target; else NotFound."""
    if target_type == TargetType.USER:
        person = accounts_selectors.user_get(user_id=target_id)
        if person is None or person.pk == reporter.pk:
            raise exceptions.NotFound(_("No such person."))
        return person
    if target_type == TargetType.ACTIVITY:
        return _visible_activity(reporter, target_id).owner
    if target_type == TargetType.COMMENT:
        comment = selectors.comment_get(viewer=reporter, comment_id=target_id)
        if comment is None:
            raise exceptions.NotFound(_("No such comment."))
        return comment.author
    if target_type == TargetType.GROUP:
        group = Group.objects.filter(pk=target_id).select_related("created_by").first()
        if group is None or not selectors.group_visible(viewer=reporter, group=group):
            raise exceptions.NotFound(_("No such group."))
        owner = (
            Membership.objects.filter(group=group, role=Role.OWNER)
            .select_related("user")
            .order_by("created")
            .first()
        )
        return owner.user if owner else group.created_by
    raise exceptions.CommunityInvalid(_("Unknown kind of report."))


def report_create(
    *, reporter, target_type: str, target_id: int, reason: str, details: str = ""
) -> Report:
    """Report content or a person; reporting the same thing again while open changes nothing."""
    if reason not in Report.Reason.values:
        raise exceptions.CommunityInvalid(_("Pick a reason."), fields={"reason": []})
    subject = _target_subject(reporter, target_type, target_id)
    existing = Report.objects.filter(
        reporter=reporter,
        target_type=target_type,
        target_id=target_id,
        status=Report.Status.OPEN,
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter,
                target_type=target_type,
                target_id=target_id,
                subject=subject,
                reason=reason,
                details=details,
            )
    except IntegrityError:
        return Report.objects.get(
            reporter=reporter,
            target_type=target_type,
            target_id=target_id,
            status=Report.Status.OPEN,
        )


def _set_hidden(target_type: str, target_id: int, when) -> None:
    if target_type == TargetType.COMMENT:
        Comment.objects.filter(pk=target_id).update(hidden_at=when)
    elif target_type == TargetType.GROUP:
        Group.objects.filter(pk=target_id).update(hidden_at=when)
    # Activities: hidden from the community (feed, kudos, comments) while an unreversed HIDE
    # action exists (see selectors.activity_hidden); training's own rows are not ours to write.


def moderation_act(
    *,
    moderator,
    kind: str,
    reason: str,
    report: Report | None = None,
    target_type: str | None = None,
    target_id: int | None = None,
    subject=None,
    suspend_days: int = SUSPENSION_DAYS,
) -> ModerationAction:
    """Hide content, warn or suspend a person, with a reason; the person is told and may
    appeal once."""
    if not selectors.is_moderator(moderator):
        raise exceptions.NotGroupAdmin(_("Only moderators can do this."))
    if kind not in ModerationAction.Kind.values:
        raise exceptions.CommunityInvalid(_("Unknown moderation action."))
    reason = (reason or "").strip()
    if not reason:
        raise exceptions.CommunityInvalid(_("Give a reason."), fields={"reason": []})
    if report is not None:
        target_type, target_id, subject = report.target_type, report.target_id, report.subject
    if subject is None or target_type is None or target_id is None:
        raise exceptions.CommunityInvalid(_("Say whom or what the action is about."))
    if kind == ModerationAction.Kind.HIDE and target_type == TargetType.USER:
        raise exceptions.CommunityInvalid(_("A person cannot be hidden; warn or suspend them."))
    now = timezone.now()
    with transaction.atomic():
        action = ModerationAction.objects.create(
            kind=kind,
            subject=subject,
            moderator=moderator,
            report=report,
            target_type=target_type,
            target_id=target_id,
            reason=reason,
            suspended_until=(
                now + timedelta(days=suspend_days)
                if kind == ModerationAction.Kind.SUSPEND
                else None
            ),
        )
        if kind == ModerationAction.Kind.HIDE:
            _set_hidden(target_type, target_id, now)
        if report is not None:
            Report.objects.filter(
                target_type=target_type, target_id=target_id, status=Report.Status.OPEN
            ).update(status=Report.Status.ACTIONED, reviewed_by=moderator, reviewed_at=now)
        notifications.notify(
            subject,
            "moderation",
            {
                "action": kind,
                "reason": reason,
                "until": action.suspended_until.date().isoformat()
                if action.suspended_until
                else "",
                "appealable": True,
                "url": reverse("groups:moderation-mine"),
            },
        )
    return action


def report_dismiss(*, moderator, report: Report) -> Report:
    if not selectors.is_moderator(moderator):
        raise exceptions.NotGroupAdmin(_("Only moderators can do this."))
    if report.status == Report.Status.OPEN:
        report.status = Report.Status.DISMISSED
        report.reviewed_by = moderator
        report.reviewed_at = timezone.now()
        report.save(update_fields=["status", "reviewed_by", "reviewed_at", "modified"])
    return report


def appeal_create(*, user, action_id: int, text: str) -> Appeal:
    """The affected person appeals a decision, once."""
    action = ModerationAction.objects.filter(pk=action_id, subject=user).first()
    if action is None:
        raise exceptions.NotFound(_("No such decision."))
    text = (text or "").strip()
    if not text:
        raise exceptions.CommunityInvalid(_("Say why the decision is wrong."), fields={"text": []})
    try:
        with transaction.atomic():
            return Appeal.objects.create(action=action, text=text)
    except IntegrityError:
        raise exceptions.AlreadyAppealed() from None


def appeal_decide(*, moderator, appeal: Appeal, reverse_action: bool, response: str = "") -> Appeal:
    """Uphold or reverse the decision; reversing un-hides the content or lifts the suspension."""
    if not selectors.is_moderator(moderator):
        raise exceptions.NotGroupAdmin(_("Only moderators can do this."))
    if appeal.status != Appeal.Status.PENDING:
        return appeal
    now = timezone.now()
    with transaction.atomic():
        appeal.status = Appeal.Status.REVERSED if reverse_action else Appeal.Status.UPHELD
        appeal.decided_by = moderator
        appeal.decided_at = now
        appeal.response = response
        appeal.save()
        action = appeal.action
        if reverse_action:
            action.reversed_at = now
            action.save(update_fields=["reversed_at", "modified"])
            if action.kind == ModerationAction.Kind.HIDE:
                _set_hidden(action.target_type, action.target_id, None)
        notifications.notify(
            action.subject,
            "moderation",
            {
                "action": "appeal",
                "outcome": str(appeal.get_status_display()),
                "reason": response,
                "appealable": False,
                "url": reverse("groups:moderation-mine"),
            },
        )
    return appeal
