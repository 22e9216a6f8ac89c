"""Pages: offers for me (claim a coupon), my coupons, my points with their history, rewards
(redeem), news in my language."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import StrideError
from apps.promos import selectors, services

PAGE = 30


@login_required
def offers(request):
    return render(
        request,
        "promos/offers.html",
        {
            "offers": services.offers_show(user=request.user, request=request),
            "balance": selectors.points_balance(user=request.user),
        },
    )


@login_required
@require_POST
def offer_claim(request, promotion_id: int):
    try:
        coupon = services.offer_claim(user=request.user, promotion_id=promotion_id, request=request)
    except StrideError as error:
        messages.error(request, error.message)
        return redirect("promos-offers")
    messages.success(request, _("Your coupon code: %(code)s") % {"code": coupon.code})
    return redirect("promos-coupons")


@login_required
def coupons(request):
    page = Paginator(selectors.coupon_wallet(user=request.user), PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "promos/coupons.html", {"page": page})


@login_required
def points(request):
    page = Paginator(selectors.points_history(user=request.user), PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "promos/points.html",
        {"page": page, "balance": selectors.points_balance(user=request.user)},
    )


@login_required
def rewards(request):
    return render(
        request,
        "promos/rewards.html",
        {
            "rewards": selectors.reward_list()[:100],
            "balance": selectors.points_balance(user=request.user),
            "key": uuid.uuid4().hex,
        },
    )


@login_required
@require_POST
def reward_redeem(request, reward_id: int):
    key = (request.POST.get("key") or "").strip()[:64] or uuid.uuid4().hex
    try:
        redemption = services.reward_redeem(user=request.user, reward_id=reward_id, key=key)
    except StrideError as error:
        messages.error(request, error.message)
        return redirect("promos-rewards")
    if redemption.coupon_id:
        messages.success(
            request, _("Redeemed. Your coupon code: %(code)s") % {"code": redemption.coupon.code}
        )
    else:
        messages.success(request, _("Redeemed. The shop will be in touch about delivery."))
    return redirect("promos-points")


@login_required
def news(request):
    articles = selectors.article_list_for(user=request.user, language=request.LANGUAGE_CODE)
    page = Paginator(articles, 20).get_page(request.GET.get("page"))
    return render(request, "promos/news.html", {"page": page})
