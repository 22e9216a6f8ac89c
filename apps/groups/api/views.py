"""The community API: people and the social graph, the feed with kudos and comments, groups
with members, invites and events, reports and moderation."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.core.api.pagination import CursorPagination
from apps.core.exceptions import PermissionDenied
from apps.groups import selectors, services
from apps.groups.api import serializers as s
from apps.groups.models import (
    Appeal,
    Comment,
    Follow,
    Group,
    GroupEvent,
    Kudos,
    Membership,
    Report,
)
from apps.training import presenters
from apps.training import selectors as training_selectors


class ByStartTime(CursorPagination):
    ordering = ("-start_time", "-id")


class Oldest(CursorPagination):
    ordering = ("created", "id")


class ByStart(CursorPagination):
    ordering = ("starts_at", "id")


def _input(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- people ---------------------------------------------------------------------------------


def _person_or_404(request, person_id: int):
    person = selectors.person_get(viewer=request.user, person_id=person_id)
    if person is None:
        raise NotFound(_("No such person."))
    return person


def profile_data(viewer, person) -> dict:
    visible = selectors.profile_visible(viewer=viewer, person=person)
    counts = selectors.follow_counts(person=person) if visible else {}
    follow = selectors.follow_get(follower=viewer, followee=person)
    return {
        "id": person.pk,
        "name": str(person.public_name),
        "profile_visible": visible,
        "followers": counts.get("followers"),
        "following": counts.get("following"),
        "follow_status": follow.status if follow else "none",
        "follows_you": selectors.follows(person, viewer),
        "blocked": False,
        "muted": selectors.is_muted(muter=viewer, muted=person),
    }


class PersonView(APIView):
    """A person's public profile: name, follower counts (if their profile is visible to you)
    and how you relate. Blocked either way: 404."""

    @extend_schema(responses=s.ProfileSerializer, tags=["community"])
    def get(self, request, person_id: int):
        return Response(profile_data(request.user, _person_or_404(request, person_id)))


class PersonActivitiesView(GenericAPIView):
    """A person's activities you may see, newest first, with kudos and comment counts."""

    pagination_class = ByStartTime
    serializer_class = s.FeedItemSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Group.objects.none()
        person = _person_or_404(self.request, self.kwargs["person_id"])
        return selectors.person_activities(viewer=self.request.user, person=person)

    @extend_schema(responses=s.FeedItemSerializer(many=True), tags=["community"])
    def get(self, request, person_id: int):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(feed_items(request.user, page))


class FollowView(APIView):
    """Follow a person (POST: 201 following, 202 asked — their profile is not public) or stop
    following / withdraw the request (DELETE)."""

    @extend_schema(
        request=None,
        responses={201: s.FollowSerializer, 202: s.FollowSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["community"],
        description="Errors: CANNOT_FOLLOW (403) yourself, BLOCKED (403), SUSPENDED (403).",
    )
    @idempotent
    def post(self, request, person_id: int):
        follow = services.follow_create(follower=request.user, followee_id=person_id)
        code = status.HTTP_201_CREATED if follow.status == Follow.Status.ACTIVE else 202
        return Response(
            {
                "person": s.person(follow.followee),
                "status": follow.status,
                "created": follow.created,
            },
            status=code,
        )

    @extend_schema(responses={204: None}, tags=["community"])
    def delete(self, request, person_id: int):
        services.follow_delete(follower=request.user, followee_id=person_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _Toggle(APIView):
    create = None
    delete_ = None

    @extend_schema(request=None, responses={204: None}, tags=["community"])
    def post(self, request, person_id: int):
        type(self).create(request.user, person_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={204: None}, tags=["community"])
    def delete(self, request, person_id: int):
        type(self).delete_(request.user, person_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BlockView(_Toggle):
    """Block a person (POST): neither of you sees the other, follows both ways end. DELETE
    unblocks (follows are not restored)."""

    @staticmethod
    def create(user, person_id):
        services.block_create(blocker=user, blocked_id=person_id)

    @staticmethod
    def delete_(user, person_id):
        services.block_delete(blocker=user, blocked_id=person_id)


class MuteView(_Toggle):
    """Mute a person (POST): their activities leave your feed. DELETE unmutes."""

    @staticmethod
    def create(user, person_id):
        services.mute_create(muter=user, muted_id=person_id)

    @staticmethod
    def delete_(user, person_id):
        services.mute_delete(muter=user, muted_id=person_id)


class _FollowList(GenericAPIView):
    serializer_class = s.FollowSerializer
    side = "follower"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Follow.objects.none()
        person = _person_or_404(self.request, self.kwargs["person_id"])
        if not selectors.profile_visible(viewer=self.request.user, person=person):
            raise PermissionDenied(_("This person shares their profile with followers only."))
        blocked = selectors.blocked_ids(self.request.user)
        if self.side == "follower":
            return selectors.followers_of(user=person).exclude(follower_id__in=blocked)
        return selectors.following_of(user=person).exclude(followee_id__in=blocked)

    @extend_schema(responses=s.FollowSerializer(many=True), tags=["community"])
    def get(self, request, person_id: int):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            [
                {
                    "person": s.person(getattr(f, self.side)),
                    "status": f.status,
                    "created": f.created,
                }
                for f in page
            ]
        )


class FollowersView(_FollowList):
    """Who follows the person."""

    side = "follower"


class FollowingView(_FollowList):
    """Whom the person follows."""

    side = "followee"


class FollowRequestListView(GenericAPIView):
    """People asking to follow you."""

    serializer_class = s.FollowSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Follow.objects.none()
        return selectors.follow_requests_for(user=self.request.user)

    @extend_schema(responses=s.FollowSerializer(many=True), tags=["community"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            [
                {"person": s.person(f.follower), "status": f.status, "created": f.created}
                for f in page
            ]
        )


class FollowRequestDecisionView(APIView):
    """Approve (POST) or decline (DELETE) a request to follow you."""

    @extend_schema(request=None, responses=s.FollowSerializer, tags=["community"])
    def post(self, request, person_id: int):
        follow = services.follow_request_approve(user=request.user, follower_id=person_id)
        return Response(
            {
                "person": s.person(follow.follower),
                "status": follow.status,
                "created": follow.created,
            }
        )

    @extend_schema(responses={204: None}, tags=["community"])
    def delete(self, request, person_id: int):
        services.follow_request_decline(user=request.user, follower_id=person_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SuggestionsView(APIView):
    """People you might know: from your groups and followed by people you follow."""

    @extend_schema(responses=s.PersonSuggestionSerializer(many=True), tags=["community"])
    def get(self, request):
        return Response(
            [
                {"person": s.person(p), "score": score}
                for p, score in selectors.suggested_people(user=request.user)
            ]
        )


# --- feed, kudos, comments ------------------------------------------------------------------


def feed_items(viewer, activities) -> list[dict]:
    """Activities as the viewer may see them: hidden fields and privacy zones applied, with
    the same rules training uses everywhere, in a fixed number of queries."""
    activities = list(activities)
    rules = training_selectors.viewer_rules_many(viewer=viewer, activities=activities)
    items = []
    for activity in activities:
        r = rules[activity.pk]
        data = presenters.activity_summary(activity, r)
        data["owner_name"] = str(activity.owner.public_name)
        data["map"] = [
            [list(point) for point in run] for run in training_selectors.summary_points(activity, r)
        ]
        data["kudos_count"] = activity.kudos_count
        data["comment_count"] = activity.comment_count
        data["gave_kudos"] = activity.gave_kudos
        items.append(data)
    return items


class FeedView(GenericAPIView):
    """Your feed: your activities and those of the people you follow, newest first (cursor
    pagination). Visibility, privacy zones, hidden fields, blocks and mutes applied."""

    pagination_class = ByStartTime
    serializer_class = s.FeedItemSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Group.objects.none()
        return selectors.feed(viewer=self.request.user)

    @extend_schema(responses=s.FeedItemSerializer(many=True), tags=["community"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(feed_items(request.user, page))


def _kudos_result(user, activity_id: int) -> dict:
    return {
        "activity": activity_id,
        "kudos_count": selectors.kudos_for(viewer=user, activity_id=activity_id).count(),
        "gave_kudos": Kudos.objects.filter(activity_id=activity_id, user=user).exists(),
    }


class KudosView(GenericAPIView):
    """Who gave kudos (GET); give kudos (POST, once: repeating changes nothing); take them
    back (DELETE)."""

    serializer_class = s.KudosSerializer

    def _activity(self):
        activity = selectors.community_activity(
            viewer=self.request.user, activity_id=self.kwargs["activity_id"]
        )
        if activity is None:
            raise NotFound(_("No such activity."))
        return activity

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Kudos.objects.none()
        activity = self._activity()
        return selectors.kudos_for(viewer=self.request.user, activity_id=activity.pk)

    @extend_schema(responses=s.KudosSerializer(many=True), tags=["community"])
    def get(self, request, activity_id: int):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            [{"person": s.person(k.user), "created": k.created} for k in page]
        )

    @extend_schema(
        request=None,
        responses={200: s.KudosResultSerializer, 201: s.KudosResultSerializer},
        tags=["community"],
    )
    def post(self, request, activity_id: int):
        _kudos, created = services.kudos_give(user=request.user, activity_id=activity_id)
        return Response(
            _kudos_result(request.user, activity_id),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(responses=s.KudosResultSerializer, tags=["community"])
    def delete(self, request, activity_id: int):
        self._activity()
        services.kudos_remove(user=request.user, activity_id=activity_id)
        return Response(_kudos_result(request.user, activity_id))


def comment_data(comment: Comment) -> dict:
    comment.author_person = s.person(comment.author)
    return s.CommentSerializer(comment).data


class CommentListView(GenericAPIView):
    """Comments on an activity you can see, oldest first (GET); add one (POST; `@Name`
    mentions notify the people named)."""

    serializer_class = s.CommentSerializer
    pagination_class = Oldest

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        activity = selectors.community_activity(
            viewer=self.request.user, activity_id=self.kwargs["activity_id"]
        )
        if activity is None:
            raise NotFound(_("No such activity."))
        return selectors.comments_for(viewer=self.request.user, activity_id=activity.pk)

    @extend_schema(responses=s.CommentSerializer(many=True), tags=["community"])
    def get(self, request, activity_id: int):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([comment_data(c) for c in page])

    @extend_schema(
        request=s.CommentInputSerializer,
        responses={201: s.CommentSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["community"],
    )
    @idempotent
    def post(self, request, activity_id: int):
        data = _input(s.CommentInputSerializer, request)
        comment = services.comment_create(
            author=request.user, activity_id=activity_id, body=data["body"]
        )
        return Response(comment_data(comment), status=status.HTTP_201_CREATED)


class CommentDetailView(APIView):
    """Delete a comment: yours, or any on your activity."""

    @extend_schema(responses={204: None}, tags=["community"])
    def delete(self, request, comment_id: int):
        services.comment_delete(user=request.user, comment_id=comment_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- groups ---------------------------------------------------------------------------------


def _group_or_404(request, slug: str) -> Group:
    group = selectors.group_get_annotated(slug=slug)
    if group is None or not selectors.group_visible(viewer=request.user, group=group):
        raise NotFound(_("No such group."))
    return group


def group_data(group: Group, viewer) -> dict:
    membership = selectors.membership_get(viewer, group)
    return {
        "id": group.pk,
        "slug": group.slug,
        "name": group.name,
        "description": group.description,
        "privacy": group.privacy,
        "member_count": group.member_count,
        "created": group.created,
        "my_role": membership.role if membership and membership.status == "active" else None,
        "my_status": membership.status if membership else None,
    }


class GroupListView(GenericAPIView):
    """Groups to browse (GET; `?mine=1`: yours) and a new group with you as owner (POST)."""

    serializer_class = s.GroupSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Group.objects.none()
        mine = self.request.query_params.get("mine") in ("1", "true")
        return selectors.group_list(viewer=self.request.user, mine=mine)

    @extend_schema(responses=s.GroupSerializer(many=True), tags=["groups"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.GroupSerializer(page, many=True).data)

    @extend_schema(
        request=s.GroupInputSerializer,
        responses={201: s.GroupDetailSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["groups"],
    )
    @idempotent
    def post(self, request):
        group = services.group_create(owner=request.user, **_input(s.GroupInputSerializer, request))
        return Response(
            group_data(_group_or_404(request, group.slug), request.user),
            status=status.HTTP_201_CREATED,
        )


class GroupDetailView(APIView):
    """One group (GET); owners and admins change it (PATCH)."""

    @extend_schema(responses=s.GroupDetailSerializer, tags=["groups"])
    def get(self, request, slug: str):
        return Response(group_data(_group_or_404(request, slug), request.user))

    @extend_schema(
        request=s.GroupInputSerializer, responses=s.GroupDetailSerializer, tags=["groups"]
    )
    def patch(self, request, slug: str):
        group = _group_or_404(request, slug)
        serializer = s.GroupInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.group_update(actor=request.user, group=group, **serializer.validated_data)
        return Response(group_data(_group_or_404(request, slug), request.user))


class GroupJoinView(APIView):
    """Join a public group (201) or ask to join a private one (202)."""

    @extend_schema(
        request=None,
        responses={201: s.MembershipSerializer, 202: s.MembershipSerializer},
        tags=["groups"],
        description="Errors: CANNOT_JOIN (403) for invite-only groups.",
    )
    def post(self, request, slug: str):
        membership = services.group_join(user=request.user, group=_group_or_404(request, slug))
        code = 201 if membership.status == Membership.Status.ACTIVE else 202
        return Response(s.MembershipSerializer(membership).data, status=code)


class GroupLeaveView(APIView):
    """Leave a group (or withdraw your request). The last owner cannot (LAST_OWNER, 409)."""

    @extend_schema(request=None, responses={204: None}, tags=["groups"])
    def post(self, request, slug: str):
        services.group_leave(user=request.user, group=_group_or_404(request, slug))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _member_data(m: Membership) -> dict:
    return {"person": s.person(m.user), "role": m.role, "status": m.status, "created": m.created}


class GroupMembersView(GenericAPIView):
    """The members of a group (of a private group: for its members only)."""

    serializer_class = s.MemberSerializer
    pagination_class = Oldest

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        group = _group_or_404(self.request, self.kwargs["slug"])
        if group.privacy != "public" and not selectors.is_member(self.request.user, group):
            raise PermissionDenied(_("Only members see who is in this group."))
        blocked = selectors.blocked_ids(self.request.user)
        return selectors.members_of(group=group).exclude(user_id__in=blocked)

    @extend_schema(responses=s.MemberSerializer(many=True), tags=["groups"])
    def get(self, request, slug: str):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([_member_data(m) for m in page])


class GroupMemberView(APIView):
    """Owners change a member's role (PATCH); admins remove members (DELETE)."""

    @extend_schema(request=s.RoleInputSerializer, responses=s.MemberSerializer, tags=["groups"])
    def patch(self, request, slug: str, user_id: int):
        group = _group_or_404(request, slug)
        data = _input(s.RoleInputSerializer, request)
        membership = services.member_role_set(
            actor=request.user, group=group, user_id=user_id, role=data["role"]
        )
        return Response(
            _member_data(Membership.objects.select_related("user").get(pk=membership.pk))
        )

    @extend_schema(responses={204: None}, tags=["groups"])
    def delete(self, request, slug: str, user_id: int):
        group = _group_or_404(request, slug)
        services.member_remove(actor=request.user, group=group, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupTransferView(APIView):
    """The owner hands the group to another member and becomes an admin."""

    @extend_schema(request=None, responses=s.MemberSerializer, tags=["groups"])
    def post(self, request, slug: str, user_id: int):
        group = _group_or_404(request, slug)
        membership = services.group_owner_transfer(actor=request.user, group=group, user_id=user_id)
        return Response(
            _member_data(Membership.objects.select_related("user").get(pk=membership.pk))
        )


class GroupRequestsView(GenericAPIView):
    """Pending requests to join (owners and admins)."""

    serializer_class = s.MemberSerializer
    pagination_class = Oldest

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        group = _group_or_404(self.request, self.kwargs["slug"])
        if not selectors.is_group_admin(self.request.user, group):
            raise PermissionDenied(_("Only the group's owners and admins can do this."))
        return selectors.members_of(group=group, status=Membership.Status.PENDING)

    @extend_schema(responses=s.MemberSerializer(many=True), tags=["groups"])
    def get(self, request, slug: str):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([_member_data(m) for m in page])


class GroupRequestDecisionView(APIView):
    """Approve (POST) or decline (DELETE) a request to join."""

    @extend_schema(request=None, responses=s.MemberSerializer, tags=["groups"])
    def post(self, request, slug: str, user_id: int):
        group = _group_or_404(request, slug)
        m = services.group_request_approve(actor=request.user, group=group, user_id=user_id)
        return Response(_member_data(m))

    @extend_schema(responses={204: None}, tags=["groups"])
    def delete(self, request, slug: str, user_id: int):
        group = _group_or_404(request, slug)
        services.group_request_decline(actor=request.user, group=group, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _invite_data(request, invite) -> dict:
    return {
        "token": invite.token,
        "url": request.build_absolute_uri(reverse("groups:invite", args=[invite.token])),
        "expires_at": invite.expires_at,
        "max_uses": invite.max_uses,
        "uses": invite.uses,
    }


class GroupInvitesView(APIView):
    """Create an invite link (POST; any member, admins for invite-only groups) or list the
    open ones (GET, owners and admins)."""

    @extend_schema(responses=s.InviteSerializer(many=True), tags=["groups"])
    def get(self, request, slug: str):
        group = _group_or_404(request, slug)
        if not selectors.is_group_admin(request.user, group):
            raise PermissionDenied(_("Only the group's owners and admins can do this."))
        return Response([_invite_data(request, i) for i in selectors.invites_of(group=group)[:100]])

    @extend_schema(
        request=s.InviteInputSerializer, responses={201: s.InviteSerializer}, tags=["groups"]
    )
    def post(self, request, slug: str):
        group = _group_or_404(request, slug)
        data = _input(s.InviteInputSerializer, request)
        days = data.get("expires_in_days", 14)
        invite = services.invite_create(
            actor=request.user,
            group=group,
            max_uses=data.get("max_uses"),
            expires_at=timezone.now() + timedelta(days=days),
        )
        return Response(_invite_data(request, invite), status=status.HTTP_201_CREATED)


class InviteAcceptView(APIView):
    """Join the group of an invite link."""

    @extend_schema(request=None, responses=s.MembershipSerializer, tags=["groups"])
    def post(self, request, token: str):
        membership = services.group_join_by_invite(user=request.user, token=token)
        return Response(s.MembershipSerializer(membership).data)


def event_data(event: GroupEvent, viewer) -> dict:
    event.cancelled = event.cancelled_at is not None
    event.my_rsvp = selectors.rsvp_of(user=viewer, event=event)
    return s.EventSerializer(event).data


class GroupEventsView(GenericAPIView):
    """A group's events, soonest first (`?upcoming=1`: only those ahead); owners and admins
    schedule one (POST)."""

    serializer_class = s.EventSerializer
    pagination_class = ByStart

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GroupEvent.objects.none()
        group = _group_or_404(self.request, self.kwargs["slug"])
        upcoming = self.request.query_params.get("upcoming") in ("1", "true")
        return selectors.event_list(group=group, upcoming_only=upcoming).select_related("group")

    @extend_schema(responses=s.EventSerializer(many=True), tags=["groups"])
    def get(self, request, slug: str):
        page = self.paginate_queryset(self.get_queryset())
        answers = selectors.rsvps_of(user=request.user, events=page)
        out = []
        for event in page:
            event.cancelled = event.cancelled_at is not None
            event.my_rsvp = answers.get(event.pk)
            out.append(s.EventSerializer(event).data)
        return self.get_paginated_response(out)

    @extend_schema(
        request=s.EventInputSerializer, responses={201: s.EventSerializer}, tags=["groups"]
    )
    def post(self, request, slug: str):
        group = _group_or_404(request, slug)
        data = _input(s.EventInputSerializer, request)
        data["route_id"] = data.pop("route", None)
        event = services.event_create(actor=request.user, group=group, **data)
        return Response(
            event_data(selectors.event_get(viewer=request.user, event_id=event.pk), request.user),
            status=status.HTTP_201_CREATED,
        )


def _event_or_404(request, event_id: int) -> GroupEvent:
    event = selectors.event_get(viewer=request.user, event_id=event_id)
    if event is None:
        raise NotFound(_("No such event."))
    return event


class EventView(APIView):
    """One group event (GET); owners and admins cancel it (DELETE)."""

    @extend_schema(responses=s.EventSerializer, tags=["groups"])
    def get(self, request, event_id: int):
        return Response(event_data(_event_or_404(request, event_id), request.user))

    @extend_schema(responses=s.EventSerializer, tags=["groups"])
    def delete(self, request, event_id: int):
        event = _event_or_404(request, event_id)
        services.event_cancel(actor=request.user, event=event)
        return Response(event_data(_event_or_404(request, event_id), request.user))


class EventRSVPView(APIView):
    """Your answer to an event of your group: going, maybe or not_going (PUT, again to
    change it)."""

    @extend_schema(request=s.RSVPInputSerializer, responses=s.EventSerializer, tags=["groups"])
    def put(self, request, event_id: int):
        event = _event_or_404(request, event_id)
        data = _input(s.RSVPInputSerializer, request)
        services.event_rsvp(user=request.user, event=event, answer=data["answer"])
        return Response(event_data(_event_or_404(request, event_id), request.user))


# --- reports and moderation -----------------------------------------------------------------


class ReportCreateView(APIView):
    """Report a comment, an activity, a group or a person to the moderators. Reporting the
    same thing again while the report is open changes nothing."""

    @extend_schema(
        request=s.ReportInputSerializer,
        responses={201: s.ReportSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["moderation"],
    )
    @idempotent
    def post(self, request):
        data = _input(s.ReportInputSerializer, request)
        report = services.report_create(reporter=request.user, **data)
        return Response(s.ReportSerializer(report).data, status=status.HTTP_201_CREATED)


def _require_moderator(request) -> None:
    if not selectors.is_moderator(request.user):
        raise PermissionDenied(_("Only moderators can do this."))


class ModerationQueueView(GenericAPIView):
    """Open reports, oldest first (moderators)."""

    serializer_class = s.ReportSerializer
    pagination_class = Oldest

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        _require_moderator(self.request)
        return selectors.report_queue()

    @extend_schema(responses=s.ReportSerializer(many=True), tags=["moderation"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.ReportSerializer(page, many=True).data)


def _report_or_404(report_id: int) -> Report:
    report = Report.objects.select_related("subject").filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No such report."))
    return report


def action_data(action) -> dict:
    appeal = getattr(action, "appeal", None) if hasattr(action, "appeal") else None
    return {
        "id": action.pk,
        "kind": action.kind,
        "target_type": action.target_type,
        "target_id": action.target_id,
        "reason": action.reason,
        "suspended_until": action.suspended_until,
        "reversed": action.reversed_at is not None,
        "appeal_status": appeal.status if appeal else None,
        "created": action.created,
    }


class ReportActView(APIView):
    """Act on a report (moderators): hide the content, warn or suspend the person, with a
    reason; the person is told and may appeal once."""

    @extend_schema(
        request=s.ActInputSerializer, responses={201: s.ActionSerializer}, tags=["moderation"]
    )
    def post(self, request, report_id: int):
        _require_moderator(request)
        report = _report_or_404(report_id)
        data = _input(s.ActInputSerializer, request)
        action = services.moderation_act(
            moderator=request.user,
            report=report,
            kind=data["action"],
            reason=data["reason"],
            suspend_days=data.get("suspend_days", services.SUSPENSION_DAYS),
        )
        return Response(action_data(action), status=status.HTTP_201_CREATED)


class ReportDismissView(APIView):
    """Dismiss a report (moderators)."""

    @extend_schema(request=None, responses=s.ReportSerializer, tags=["moderation"])
    def post(self, request, report_id: int):
        _require_moderator(request)
        report = services.report_dismiss(moderator=request.user, report=_report_or_404(report_id))
        return Response(s.ReportSerializer(report).data)


class MyModerationView(GenericAPIView):
    """The moderation decisions about you, newest first."""

    serializer_class = s.ActionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        return selectors.actions_about(user=self.request.user)

    @extend_schema(responses=s.ActionSerializer(many=True), tags=["moderation"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([action_data(a) for a in page])


class AppealView(APIView):
    """Appeal a decision about you, once (ALREADY_APPEALED, 409, the second time)."""

    @extend_schema(
        request=s.AppealInputSerializer, responses={201: s.AppealSerializer}, tags=["moderation"]
    )
    def post(self, request, action_id: int):
        data = _input(s.AppealInputSerializer, request)
        appeal = services.appeal_create(user=request.user, action_id=action_id, text=data["text"])
        return Response(s.AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


class AppealDecisionView(APIView):
    """Decide an appeal (moderators): reverse the decision or uphold it."""

    @extend_schema(
        request=s.AppealDecisionInputSerializer, responses=s.AppealSerializer, tags=["moderation"]
    )
    def post(self, request, appeal_id: int):
        _require_moderator(request)
        appeal = Appeal.objects.select_related("action").filter(pk=appeal_id).first()
        if appeal is None:
            raise NotFound(_("No such appeal."))
        data = _input(s.AppealDecisionInputSerializer, request)
        appeal = services.appeal_decide(
            moderator=request.user,
            appeal=appeal,
            reverse_action=data["reverse"],
            response=data.get("response", ""),
        )
        return Response(s.AppealSerializer(appeal).data)
