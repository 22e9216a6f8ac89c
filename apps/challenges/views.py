"""Pages: challenges (list, detail with a progress bar, join and leave), the badge cabinet and
leaderboards. Thin: selectors read, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import selectors as accounts_selectors
from apps.challenges import selectors, services
from apps.challenges.exceptions import ChallengeClosed, ChallengeNotEligible
from apps.challenges.models import Period
from apps.training.models import Sport

PAGE = 20


def _mine(challenge):
    mine = getattr(challenge, "mine", None) or []
    return mine[0] if mine else None


@login_required
def challenge_list(request):
    page = Paginator(selectors.challenge_list(user=request.user), PAGE).get_page(
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
        or scope not in ("global", "country", "following")
    ):
        raise Http404
    if request.method == "POST":
        services.leaderboard_visibility_set(
            user=request.user, hidden=request.POST.get("hidden") == "on"
        )
        return redirect(request.get_full_path())
    country = str(accounts_selectors.profile_for(user=request.user).country or "")
    board = selectors.leaderboard(
        viewer=request.user,
        sport=sport,
        period=period,
        metric=metric,
        scope=scope,
        country=country,
    )
    return render(
        request,
        "challenges/leaderboard.html",
        {
            "board": board,
            "sport": sport,
            "period": period,
            "metric": metric,
            "scope": scope,
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
            ],
            "hidden": selectors.is_hidden(user=request.user),
        },
    )
