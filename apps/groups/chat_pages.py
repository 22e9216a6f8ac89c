"""Pages of the group chat, direct messages and live runs. The socket does the live part
(static/js/chat.js, static/js/live.js); the page renders the latest history escaped."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import StrideError
from apps.groups import chat, live, selectors
from apps.groups.forms import RSVPForm

HISTORY = 50


def _chat_page(request, conversation, title: str):
    synced_at = timezone.now()  # before reading: the socket replays edits made from then on
    rows = list(
        chat.history(user=request.user, conversation=conversation).order_by("-id")[:HISTORY]
    )
    rows.reverse()
    return render(
        request,
        "groups/chat.html",
        {
            "conversation": conversation,
            "title": title,
            "messages_": rows,
            "last_id": rows[-1].pk if rows else 0,
            "synced_at": synced_at.isoformat(),
            "is_admin": chat.is_admin(user=request.user, conversation=conversation),
        },
    )


@login_required
def group_chat(request, slug: str):
    group = selectors.group_get(slug=slug)
    if group is None or not selectors.is_member(request.user, group):
        raise Http404
    conversation = chat.conversation_for_group(user=request.user, group=group)
    return _chat_page(request, conversation, group.name)


@login_required
def direct_chat(request, person_id: int):
    try:
        conversation = chat.conversation_direct_open(user=request.user, other_id=person_id)
    except StrideError as error:
        messages.error(request, error.message)
        return redirect("groups:person", person_id)
    other = (
        conversation.user_high
        if conversation.user_low_id == request.user.pk
        else conversation.user_low
    )
    return _chat_page(request, conversation, str(other.public_name))


def _session_or_404(request, session_id: int):
    session = live.session_get(session_id=session_id)
    if session is None or not live.can_see(user=request.user, session=session):
        raise Http404
    return session


@login_required
def live_list(request, slug: str):
    group = selectors.group_get(slug=slug)
    if group is None or not selectors.is_member(request.user, group):
        raise Http404
    if request.method == "POST":
        session = live.session_create(
            actor=request.user, group=group, title=request.POST.get("title", "")[:120]
        )
        return redirect("groups:live", session.pk)
    sessions = live.session_list(user=request.user, group=group).order_by("-created")[:20]
    return render(request, "groups/live_list.html", {"group": group, "sessions": sessions})


@login_required
def live_view(request, session_id: int):
    session = _session_or_404(request, session_id)
    participant = live.participant_get(session=session, user=request.user)
    return render(
        request,
        "groups/live.html",
        {
            "session": session,
            "participant": participant,
            "may_manage": session.created_by_id == request.user.pk
            or selectors.is_group_admin(request.user, session.group_id),
            "socket": f"/ws/live/{session.pk}/",
        },
    )


@login_required
@require_POST
def live_action(request, session_id: int, action: str):
    session = _session_or_404(request, session_id)
    try:
        if action == "start":
            live.session_start(actor=request.user, session=session)
        elif action == "end":
            live.session_end(actor=request.user, session=session)
        else:
            raise Http404
    except StrideError as error:
        messages.error(request, error.message)
    return redirect("groups:live", session.pk)


def live_share(request, token: str):
    """A safety contact's page (no account needed) while the run is live."""
    link = live.share_link_get(token=token)
    if link is None:
        raise Http404
    return render(
        request,
        "groups/live.html",
        {
            "session": link.session,
            "shared_runner": link.runner,
            "socket": f"/ws/live/share/{link.token}/",
        },
    )


def _event_or_404(request, event_id: int):
    event = selectors.event_get(viewer=request.user, event_id=event_id)
    if event is None or not selectors.is_member(request.user, event.group_id):
        raise Http404
    return event


@login_required
def event_detail(request, event_id: int):
    """A group event for its members: when and where, answers, and its live runs; the
    organiser and the group's admins start the live run from here."""
    event = _event_or_404(request, event_id)
    return render(
        request,
        "groups/event.html",
        {
            "event": event,
            "my_rsvp": selectors.rsvp_of(user=request.user, event=event),
            "rsvp_choices": RSVPForm.base_fields["answer"].choices,
            "sessions": live.event_sessions(event=event)[:20],
            "may_start": event.cancelled_at is None
            and live.may_start_event_run(user=request.user, event=event),
        },
    )


@login_required
@require_POST
def event_live_start(request, event_id: int):
    """Start the event's live run (organiser and group admins; other members get 403)."""
    event = _event_or_404(request, event_id)
    if not live.may_start_event_run(user=request.user, event=event):
        raise PermissionDenied(
            _("Only the event's organiser or a group admin can start its live run.")
        )
    try:
        session, _started = live.event_live_start(actor=request.user, event=event)
    except StrideError as error:
        messages.error(request, error.message)
        return redirect("groups:event", event.pk)
    return redirect("groups:live", session.pk)
