"""Pages: my gear with wear bars, one gear with its activities and replacements, the catalog."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.gear import selectors, services
from apps.gear.exceptions import GearInvalid
from apps.gear.forms import GearForm
from apps.gear.models import Category

PAGE = 24


def _mine(request, gear_id: int):
    gear = selectors.gear_get(owner=request.user, gear_id=gear_id)
    if gear is None:
        raise Http404
    return gear


@login_required
def gear_list(request):
    form = GearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            gear = services.gear_create(
                owner=request.user,
                custom_name=data["custom_name"],
                category=data["category"],
                nickname=data["nickname"],
                purchase_date=data["purchase_date"],
                start_distance_m=(data["start_km"] or 0) * 1000,
                lifespan_km=data["lifespan_km"],
                lifespan_hours=data["lifespan_hours"],
                default_for=data["default_for"],
            )
        except GearInvalid as error:
            messages.error(request, error.message)
        else:
            return redirect("gear-detail", gear_id=gear.pk)
    gear = list(selectors.gear_list(owner=request.user)[:200])
    return render(
        request,
        "gear/gear_list.html",
        {
            "active": [g for g in gear if not g.retired],
            "retired": [g for g in gear if g.retired],
            "form": form,
        },
    )


@login_required
def gear_detail(request, gear_id: int):
    gear = _mine(request, gear_id)
    page = Paginator(selectors.gear_activities(gear=gear), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "gear/gear_detail.html",
        {
            "gear": gear,
            "page": page,
            "suggestions": selectors.replacement_suggestions(user=request.user, gear=gear),
        },
    )


@login_required
@require_POST
def gear_retire(request, gear_id: int):
    gear = _mine(request, gear_id)
    if gear.retired:
        services.gear_reactivate(gear=gear)
        messages.success(request, _("Back in use."))
    else:
        services.gear_retire(gear=gear)
        messages.success(request, _("Retired. Its history stays."))
    return redirect("gear-detail", gear_id=gear.pk)


@login_required
@require_POST
def gear_from_product(request, product_id: int):
    product = selectors.product_get(product_id=product_id)
    if product is None:
        raise Http404
    gear = services.gear_create(owner=request.user, product_id=product.pk)
    messages.success(request, _("Added to your gear."))
    return redirect("gear-detail", gear_id=gear.pk)


def catalog_list(request):
    category = request.GET.get("category")
    if category not in Category.values:
        category = None
    query = (request.GET.get("q") or "").strip()[:100] or None
    products = selectors.product_list(category=category, query=query).order_by("pk")
    page = Paginator(products, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "gear/catalog_list.html",
        {"page": page, "categories": Category.choices, "category": category, "q": query or ""},
    )


def catalog_detail(request, product_id: int):
    product = selectors.product_get(product_id=product_id)
    if product is None:
        raise Http404
    return render(request, "gear/catalog_detail.html", {"product": product})
