"""Pages: my partner apps (create one, see its credentials once), one partner (endpoints, test
events, deliveries with replay; its shop: enable, new secret, ask for production), and the
partners I authorized (revoke)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import StrideError
from apps.partners import sandbox, selectors, services
from apps.partners.forms import EndpointForm, PartnerForm


def _mine(request, partner_id: int):
    partner = selectors.partner_get_owned(user=request.user, partner_id=partner_id)
    if partner is None:
        raise Http404
    return partner


@login_required
def partner_list(request):
    form = PartnerForm(request.POST or None)
    credentials = partner = None
    if request.method == "POST" and form.is_valid():
        try:
            partner, credentials = services.partner_create(owner=request.user, **form.cleaned_data)
        except StrideError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "partners/partner_list.html",
        {
            "form": form if credentials is None else PartnerForm(),
            "partners": selectors.partner_list_owned(user=request.user),
            "created": partner,
            "credentials": credentials,
        },
    )


def _detail(request, partner, *, form=None, secret=None, shop_secret=None):
    deliveries = list(selectors.delivery_list(partner=partner)[:20])
    last = selectors.last_attempts([d.pk for d in deliveries])
    return render(
        request,
        "partners/partner_detail.html",
        {
            "partner": partner,
            "endpoints": selectors.endpoint_list(partner=partner),
            "deliveries": [(d, last.get(d.pk)) for d in deliveries],
            "form": form or EndpointForm(),
            "secret": secret,
            "shop_secret": shop_secret,
        },
    )


@login_required
def partner_detail(request, partner_id: int):
    partner = _mine(request, partner_id)
    form = EndpointForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _endpoint, secret = services.endpoint_create(partner=partner, **form.cleaned_data)
            form = EndpointForm()
        except StrideError as error:
            form.add_error(None, error.message)
    return _detail(request, partner, form=form, secret=secret)


@login_required
@require_POST
def partner_shop_enable(request, partner_id: int):
    """Make the partner a shop (sandbox at once); the page shows its secret this once."""
    partner = _mine(request, partner_id)
    try:
        shop_secret = services.partner_shop_enable(partner=partner)
    except StrideError as error:
        messages.error(request, error.message)
        return redirect("partners-detail", partner_id)
    return _detail(request, _mine(request, partner_id), shop_secret=shop_secret)


@login_required
@require_POST
def partner_shop_secret(request, partner_id: int):
    """A new shop signing secret, shown this once."""
    partner = _mine(request, partner_id)
    try:
        shop_secret = services.partner_shop_secret_rotate(partner=partner, enable=False)
    except StrideError as error:
        messages.error(request, error.message)
        return redirect("partners-detail", partner_id)
    return _detail(request, _mine(request, partner_id), shop_secret=shop_secret)


@login_required
@require_POST
def partner_shop_request_production(request, partner_id: int):
    try:
        services.partner_shop_request_production(partner=_mine(request, partner_id))
        messages.success(request, _("Production for the shop requested. Staff will review it."))
    except StrideError as error:
        messages.error(request, error.message)
    return redirect("partners-detail", partner_id)


@login_required
@require_POST
def partner_request_production(request, partner_id: int):
    try:
        services.partner_request_production(partner=_mine(request, partner_id))
        messages.success(request, _("Production access requested. Staff will review it."))
    except StrideError as error:
        messages.error(request, error.message)
    return redirect("partners-detail", partner_id)


@login_required
@require_POST
def partner_sandbox(request, partner_id: int):
    athletes, activities = sandbox.sandbox_seed(partner=_mine(request, partner_id))
    messages.success(
        request,
        _("Your sandbox has %(athletes)d athletes; %(activities)d new activities.")
        % {"athletes": athletes, "activities": activities},
    )
    return redirect("partners-detail", partner_id)


@login_required
@require_POST
def endpoint_test(request, endpoint_id: int):
    endpoint = selectors.endpoint_get_owned(user=request.user, endpoint_id=endpoint_id)
    if endpoint is None:
        raise Http404
    delivery = services.test_event_send(endpoint=endpoint)
    if delivery.status == delivery.Status.SUCCEEDED:
        messages.success(request, _("The test event was delivered."))
    else:
        messages.error(request, _("The test event was not accepted; see the deliveries below."))
    return redirect("partners-detail", endpoint.partner_id)


@login_required
@require_POST
def delivery_replay(request, delivery_id: int):
    delivery = selectors.delivery_get_owned(user=request.user, delivery_id=delivery_id)
    if delivery is None:
        raise Http404
    services.delivery_replay(delivery=delivery)
    messages.success(request, _("The event will be sent again."))
    return redirect("partners-detail", delivery.endpoint.partner_id)


@login_required
def authorizations(request):
    if request.method == "POST":
        try:
            application_id = int(request.POST.get("application", ""))
        except ValueError as exc:
            raise Http404 from exc
        if services.authorization_revoke(user=request.user, application_id=application_id):
            messages.success(request, _("Access revoked."))
        return redirect("partners-authorizations")
    return render(
        request,
        "partners/authorizations.html",
        {"authorizations": selectors.authorizations_for_user(user=request.user)},
    )
