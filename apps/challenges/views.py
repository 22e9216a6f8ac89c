"""Pages: challenges (list, detail with a progress bar, join and leave), the badge cabinet,
leaderboards and segments. Thin: selectors read, services write."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from apps.accounts import selectors as accounts_selectors
from apps.challenges import selectors, services
from apps.challenges.exceptions import (
    ChallengeClosed,
    ChallengeNotEligible,
    GroupBoardForbidden,
    SegmentInPrivacyZone,
    SegmentInvalid,
)
from apps.challenges.models import Period
from apps.training import charts
from apps.training.models import Sport

PAGE = 20


def _mine(challenge):
    mine = getattr(challenge, "mine", None) or []
    return mine[0] if mine else None


@login_required
def challenge_list(request):
    page = Paginator(services.challenge_list_for(user=request.user), PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(c, _mine(c)) for c in page]
    return render(request, "challenges/challenge_list.html", {"page": page, "rows": rows})


@login_required
def challenge_detail(request, challenge_id: int):
    challenge = selectors.challenge_get(challenge_id=challenge_id, user=request.user)
    if challenge is None:
        raise Http404
    mine = _mine(challenge)
    percent = min(100.0, 100.0 * mine.progress / challenge.target) if mine else 0.0
    board = selectors.challenge_leaderboard(viewer=request.user, challenge=challenge, limit=20)
    return render(
        request,
        "challenges/challenge_detail.html",
        {"challenge": challenge, "mine": mine, "percent": round(percent, 1), "board": board},
    )


@login_required
@require_POST
def challenge_membership(request, challenge_id: int):
    challenge = selectors.challenge_get(challenge_id=challenge_id, user=request.user)
    if challenge is None:
        raise Http404
    if request.POST.get("action") == "leave":
        services.challenge_leave(challenge=challenge, user=request.user)
        messages.success(request, _("You left the challenge."))
    else:
        try:
            services.challenge_join(challenge=challenge, user=request.user)
            messages.success(request, _("You joined the challenge."))
        except (ChallengeClosed, ChallengeNotEligible) as exc:
            messages.error(request, exc.message)
    return redirect("challenges-detail", challenge_id=challenge.pk)


@login_required
def badge_cabinet(request):
    page = Paginator(selectors.badge_cabinet(user=request.user), 60).get_page(
        request.GET.get("page")
    )
    return render(request, "challenges/badges.html", {"page": page})


@login_required
def leaderboard(request):
    sport = request.GET.get("sport", "run")
    period = request.GET.get("period", "week")
    metric = request.GET.get("metric", "distance")
    scope = request.GET.get("scope", "global")
    if (
        sport not in Sport.values
        or period not in Period.values
        or metric not in selectors.METRIC_FIELDS
        or scope not in ("global", "country", "following", "group")
    ):
        raise Http404
    group = request.GET.get("group", "")
    if scope == "group" and not group.isdigit():
        raise Http404
    if request.method == "POST":
        services.leaderboard_visibility_set(
            user=request.user, hidden=request.POST.get("hidden") == "on"
        )
        return redirect(request.get_full_path())
    country = str(accounts_selectors.profile_for(user=request.user).country or "")
    try:
        board = selectors.leaderboard(
            viewer=request.user,
            sport=sport,
            period=period,
            metric=metric,
            scope=scope,
            country=country,
            group_id=int(group) if scope == "group" else None,
        )
    except GroupBoardForbidden as exc:
        raise PermissionDenied(exc.message) from exc
    return render(
        request,
        "challenges/leaderboard.html",
        {
            "board": board,
            "sport": sport,
            "period": period,
            "metric": metric,
            "scope": scope,
            "group": group if scope == "group" else "",
            "sports": Sport.choices,
            "periods": Period.choices,
            "metrics": [
                ("distance", _("Distance")),
                ("time", _("Moving time")),
                ("elevation", _("Elevation gain")),
            ],
            "scopes": [
                ("global", _("Everyone")),
                ("country", _("My country")),
                ("following", _("People I follow")),
                *([("group", _("This group"))] if scope == "group" else []),
            ],
            "hidden": selectors.is_hidden(user=request.user),
        },
    )


# --- Segments ---------------------------------------------------------------------------------


class SegmentCutForm(forms.Form):
    activity = forms.TypedChoiceField(label=_l("Activity"), coerce=int)
    from_km = forms.FloatField(label=_l("From (km)"), min_value=0, max_value=1000)
    to_km = forms.FloatField(label=_l("To (km)"), min_value=0.1, max_value=1000)
    name = forms.CharField(label=_l("Name"), max_length=120)

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [
            (a.pk, f"{a.start_time:%Y-%m-%d} · {a}") for a in activities
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("from_km"), data.get("to_km")
        if start is not None and end is not None and end <= start:
            raise forms.ValidationError(_("The end must come after the start."))
        return data


class SegmentRenameForm(forms.Form):
    name = forms.CharField(label=_l("Name"), max_length=120)


@login_required
def segment_list(request):
    """My segments, and a form to cut a new one from one of my recent GPS activities."""
    activities = selectors.segment_source_activities(owner=request.user)
    form = SegmentCutForm(request.POST or None, activities=activities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            segment = services.segment_create_between(
                owner=request.user,
                activity_id=data["activity"],
                from_m=data["from_km"] * 1000,
                to_m=data["to_km"] * 1000,
                name=data["name"],
            )
        except (SegmentInvalid, SegmentInPrivacyZone) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Segment saved: your other runs are being matched."))
            return redirect("challenges-segment", segment_id=segment.pk)
    page = Paginator(selectors.segments_of(owner=request.user), PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "challenges/segment_list.html", {"page": page, "form": form})


@login_required
def segment_detail(request, segment_id: int):
    segment = selectors.segment_get(segment_id=segment_id)
    if segment is None:
        raise Http404
    is_owner = segment.owner_id == request.user.pk
    rename = SegmentRenameForm(
        request.POST if request.POST.get("action") == "rename" else None,
        initial={"name": segment.name},
    )
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied
        if request.POST.get("action") == "delete":
            services.segment_delete(segment=segment)
            messages.success(request, _("Segment deleted."))
            return redirect("challenges-segments")
        if rename.is_valid():
            services.segment_rename(
                segment=segment, user=request.user, name=rename.cleaned_data["name"]
            )
            messages.success(request, _("Segment renamed."))
            return redirect("challenges-segment", segment_id=segment.pk)
    year = request.GET.get("year", "")
    scope = request.GET.get("scope", "all")
    sex = request.GET.get("sex", "")
    age_group = request.GET.get("age_group", "")
    if (
        (year and not (year.isdigit() and 2000 <= int(year) <= 2100))
        or scope not in ("all", "following")
        or sex not in ("", "female", "male")
        or (age_group and age_group not in selectors.AGE_GROUPS)
    ):
        raise Http404
    board = selectors.segment_leaderboard(
        viewer=request.user,
        segment=segment,
        year=int(year) if year else None,
        scope=scope,
        sex=sex,
        age_group=age_group,
    )
    board_rows = [(row, _duration(row.value)) for row in board.rows]
    return render(
        request,
        "challenges/segment_detail.html",
        {
            "segment": segment,
            "is_owner": is_owner,
            "rename": rename,
            "board": board,
            "board_rows": board_rows,
            "my_time": _duration(board.me.value) if board.me else "",
            "bests": [
                (effort, _duration(effort.elapsed_s))
                for effort in selectors.segment_personal_bests(user=request.user, segment=segment)
            ],
            "map_paths": charts.map_paths([[tuple(p) for p in segment.points]]),
            "year": year,
            "scope": scope,
            "sex": sex,
            "age_group": age_group,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            "age_groups": list(selectors.AGE_GROUPS),
        },
    )


def _duration(seconds: float) -> str:
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
