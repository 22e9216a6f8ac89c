"""Pages of the community: the feed, an activity with its kudos and comments, people's
profiles, follow requests, groups with members and events, and one's moderation decisions.
Every form posts plainly (no JavaScript needed)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import StrideError
from apps.groups import selectors, services
from apps.groups.forms import AppealForm, CommentForm, EventForm, GroupForm, ReportForm, RSVPForm
from apps.groups.models import Membership, Privacy, Role, TargetType
from apps.training import presenters
from apps.training import selectors as training_selectors

PAGE = 20
# An event stays on its group's page this long after its start (its live run starts from the
# event's page, often a little after the planned time).
EVENT_UNDER_WAY = timedelta(hours=6)


def _back(request, fallback: str, *args):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback, *args)


def _items(viewer, activities) -> list[dict]:
    activities = list(activities)
    rules = training_selectors.viewer_rules_many(viewer=viewer, activities=activities)
    return [
        {
            "activity": a,
            "summary": presenters.activity_summary(a, rules[a.pk]),
            "owner_name": a.owner.public_name,
            "kudos_count": a.kudos_count,
            "comment_count": a.comment_count,
            "gave_kudos": a.gave_kudos,
            "km": round(a.distance_m / 1000, 2) if a.distance_m else None,
            "minutes": round((a.moving_s or a.elapsed_s or 0) / 60),
        }
        for a in activities
    ]


@login_required
def feed(request):
    page = Paginator(selectors.feed(viewer=request.user), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/feed.html",
        {
            "page": page,
            "items": _items(request.user, page.object_list),
            "suggestions": selectors.suggested_people(user=request.user, limit=5),
        },
    )


def _activity_or_404(request, activity_id: int):
    activity = selectors.community_activity(viewer=request.user, activity_id=activity_id)
    if activity is None:
        raise Http404
    return activity


@login_required
def activity(request, activity_id: int):
    """An activity's social side: kudos and comments, with the forms to add yours."""
    act = _activity_or_404(request, activity_id)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_create(
                author=request.user, activity_id=act.pk, body=form.cleaned_data["body"]
            )
        except StrideError as error:
            messages.error(request, error.message)
        else:
            return redirect("groups:activity", act.pk)
    qs = selectors.person_activities(viewer=request.user, person=act.owner_id).filter(pk=act.pk)
    return render(
        request,
        "groups/activity.html",
        {
            "item": _items(request.user, qs)[0],
            "kudos": selectors.kudos_for(viewer=request.user, activity_id=act.pk)[:50],
            "comments": selectors.comments_for(viewer=request.user, activity_id=act.pk)[:200],
            "form": form,
            "report_form": ReportForm(),
        },
    )


@login_required
@require_POST
def kudos(request, activity_id: int):
    try:
        if request.POST.get("undo"):
            _activity_or_404(request, activity_id)
            services.kudos_remove(user=request.user, activity_id=activity_id)
        else:
            services.kudos_give(user=request.user, activity_id=activity_id)
    except StrideError as error:
        if error.status == 404:
            raise Http404 from None
        messages.error(request, error.message)
    return _back(request, "groups:activity", activity_id)


@login_required
@require_POST
def comment_delete(request, comment_id: int):
    try:
        services.comment_delete(user=request.user, comment_id=comment_id)
    except StrideError:
        raise Http404 from None
    messages.success(request, _("Comment removed."))
    return _back(request, "groups:feed")


def _person_or_404(request, person_id: int):
    person = selectors.person_get(viewer=request.user, person_id=person_id)
    if person is None:
        raise Http404
    return person


def person(request, person_id: int):
    """A public profile: follow button, recent activities one may see, badges."""
    viewer = request.user if request.user.is_authenticated else None
    p = _person_or_404(request, person_id)
    visible = selectors.profile_visible(viewer=viewer, person=p)
    context = {
        "person": p,
        "visible": visible,
        "is_me": viewer is not None and viewer.pk == p.pk,
        "report_form": ReportForm(),
    }
    if visible:
        context.update(
            counts=selectors.follow_counts(person=p),
            items=_items(viewer, selectors.person_activities(viewer=viewer, person=p)[:10]),
        )
    if viewer is not None:
        context.update(
            follow=selectors.follow_get(follower=viewer, followee=p),
            muted=selectors.is_muted(muter=viewer, muted=p),
        )
    return render(request, "groups/person.html", context)


@login_required
@require_POST
def person_action(request, person_id: int, action: str):
    actions = {
        "follow": lambda: services.follow_create(follower=request.user, followee_id=person_id),
        "unfollow": lambda: services.follow_delete(follower=request.user, followee_id=person_id),
        "block": lambda: services.block_create(blocker=request.user, blocked_id=person_id),
        "unblock": lambda: services.block_delete(blocker=request.user, blocked_id=person_id),
        "mute": lambda: services.mute_create(muter=request.user, muted_id=person_id),
        "unmute": lambda: services.mute_delete(muter=request.user, muted_id=person_id),
    }
    if action not in actions:
        raise Http404
    try:
        actions[action]()
    except StrideError as error:
        if error.status == 404:
            raise Http404 from None
        messages.error(request, error.message)
    if action == "block":
        messages.success(request, _("Blocked. You no longer see each other."))
        return redirect("groups:feed")
    return _back(request, "groups:person", person_id)


@login_required
def follow_requests(request):
    if request.method == "POST":
        follower_id = int(request.POST.get("person") or 0)
        try:
            if request.POST.get("decision") == "approve":
                services.follow_request_approve(user=request.user, follower_id=follower_id)
            else:
                services.follow_request_decline(user=request.user, follower_id=follower_id)
        except StrideError as error:
            messages.error(request, error.message)
        return redirect("groups:follow-requests")
    return render(
        request,
        "groups/follow_requests.html",
        {"requests": selectors.follow_requests_for(user=request.user)[:200]},
    )


@login_required
@require_POST
def report(request, target_type: str, target_id: int):
    if target_type not in TargetType.values:
        raise Http404
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.report_create(
                reporter=request.user,
                target_type=target_type,
                target_id=target_id,
                **form.cleaned_data,
            )
        except StrideError as error:
            if error.status == 404:
                raise Http404 from None
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you. A moderator will look at it."))
    return _back(request, "groups:feed")


@login_required
def moderation_mine(request):
    if request.method == "POST":
        form = AppealForm(request.POST)
        if form.is_valid():
            try:
                services.appeal_create(
                    user=request.user,
                    action_id=int(request.POST.get("action") or 0),
                    text=form.cleaned_data["text"],
                )
            except StrideError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Your appeal was sent."))
        return redirect("groups:moderation-mine")
    return render(
        request,
        "groups/moderation_mine.html",
        {"actions": selectors.actions_about(user=request.user)[:100], "form": AppealForm()},
    )


# --- groups ---------------------------------------------------------------------------------


@login_required
def group_list(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(owner=request.user, **form.cleaned_data)
        except StrideError as error:
            messages.error(request, error.message)
        else:
            return redirect("groups:group", group.slug)
    page = Paginator(selectors.group_list(viewer=request.user).order_by("name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "groups/group_list.html",
        {
            "page": page,
            "mine": selectors.group_list(viewer=request.user, mine=True).order_by("name")[:100],
            "form": form,
        },
    )


def _group_or_404(request, slug: str):
    group = selectors.group_get_annotated(slug=slug)
    if group is None or not selectors.group_visible(viewer=request.user, group=group):
        raise Http404
    return group


@login_required
def group_detail(request, slug: str):
    group = _group_or_404(request, slug)
    membership = selectors.membership_get(request.user, group)
    member = membership is not None and membership.status == Membership.Status.ACTIVE
    admin = member and membership.role in (Role.OWNER, Role.ADMIN)
    events = list(
        selectors.event_list(
            group=group, upcoming_only=True, started_within=EVENT_UNDER_WAY
        ).order_by("starts_at")[:20]
    )
    answers = selectors.rsvps_of(user=request.user, events=events)
    for event in events:
        event.my_rsvp = answers.get(event.pk)
    blocked = selectors.blocked_ids(request.user)
    show_members = group.privacy == Privacy.PUBLIC or member
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "membership": membership,
            "member": member,
            "admin": admin,
            "owner": member and membership.role == Role.OWNER,
            "members": (
                selectors.members_of(group=group).exclude(user_id__in=blocked)[:200]
                if show_members
                else []
            ),
            "requests": selectors.members_of(group=group, status="pending")[:100] if admin else [],
            "events": events,
            "event_form": EventForm() if admin else None,
            "rsvp_choices": RSVPForm.base_fields["answer"].choices,
            "invites": selectors.invites_of(group=group)[:20] if admin else [],
        },
    )


@login_required
@require_POST
def group_action(request, slug: str, action: str):
    group = _group_or_404(request, slug)
    user_id = int(request.POST.get("user") or 0)
    actions = {
        "join": lambda: services.group_join(user=request.user, group=group),
        "leave": lambda: services.group_leave(user=request.user, group=group),
        "approve": lambda: services.group_request_approve(
            actor=request.user, group=group, user_id=user_id
        ),
        "decline": lambda: services.group_request_decline(
            actor=request.user, group=group, user_id=user_id
        ),
        "remove": lambda: services.member_remove(actor=request.user, group=group, user_id=user_id),
        "role": lambda: services.member_role_set(
            actor=request.user, group=group, user_id=user_id, role=request.POST.get("role", "")
        ),
        "transfer": lambda: services.group_owner_transfer(
            actor=request.user, group=group, user_id=user_id
        ),
        "invite": lambda: services.invite_create(actor=request.user, group=group),
    }
    if action not in actions:
        raise Http404
    try:
        result = actions[action]()
    except StrideError as error:
        messages.error(request, error.message)
    else:
        if action == "join" and result.status == Membership.Status.PENDING:
            messages.success(request, _("Asked to join. The group's admins will decide."))
        if action == "leave":
            return redirect("groups:list")
    return redirect("groups:group", group.slug)


@login_required
@require_POST
def event_create(request, slug: str):
    group = _group_or_404(request, slug)
    form = EventForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("groups:group", group.slug)
    data = dict(form.cleaned_data)
    data["route_id"] = data.pop("route")
    try:
        services.event_create(actor=request.user, group=group, **data)
    except StrideError as error:
        messages.error(request, error.message)
    return redirect("groups:group", group.slug)


@login_required
@require_POST
def event_rsvp(request, event_id: int):
    event = selectors.event_get(viewer=request.user, event_id=event_id)
    if event is None:
        raise Http404
    try:
        services.event_rsvp(user=request.user, event=event, answer=request.POST.get("answer", ""))
    except StrideError as error:
        if error.status == 404:
            raise Http404 from None
        messages.error(request, error.message)
    return _back(request, "groups:group", event.group.slug)


@login_required
def invite(request, token: str):
    """An invite link: shows the group and joins it on confirmation."""
    invite_row = selectors.invite_get(token=token)
    if request.method == "POST":
        try:
            membership = services.group_join_by_invite(user=request.user, token=token)
        except StrideError as error:
            messages.error(request, error.message)
            return redirect("groups:list")
        return redirect("groups:group", membership.group.slug)
    if invite_row is None:
        raise Http404
    return render(request, "groups/invite.html", {"invite": invite_row})
