from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.recommendations import services
from apps.recommendations.exceptions import FeedbackInvalid
from apps.recommendations.models import Kind

SECTIONS = (
    (Kind.WORKOUTS, 3),
    (Kind.CHALLENGES, 3),
    (Kind.PRODUCTS, 3),
)


@login_required
def for_you(request):
    """The dashboard's "For you" section (loaded by htmx; a page of its own without it)."""
    sections = [
        (Kind(kind).label, services.recommend(user=request.user, kind=kind, limit=limit))
        for kind, limit in SECTIONS
    ]
    template = (
        "recommendations/_for_you.html" if request.htmx else "recommendations/for_you_page.html"
    )
    variant = sections[0][1]["variant"] if sections else ""
    return render(request, template, {"sections": sections, "variant": variant})


@login_required
@require_POST
def feedback(request):
    try:
        services.feedback_record(
            user=request.user,
            kind=request.POST.get("kind", ""),
            item=request.POST.get("item", ""),
            action=request.POST.get("action", ""),
        )
    except FeedbackInvalid as error:
        messages.error(request, error.message)
    else:
        if request.POST.get("action") == "dismiss":
            messages.success(request, _("We will not suggest that again."))
    return redirect("recommendations-for-you")
