"""Account pages: profile, privacy (zones), consents. Thin: forms validate, services write."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import selectors, services
from apps.accounts.forms import (
    AccountDeleteForm,
    AvatarForm,
    ConsentForm,
    DataImportForm,
    PrivacyZoneForm,
    ProfileForm,
)
from apps.accounts.models import ConsentDocument
from apps.core.exceptions import StrideError


@login_required
def profile_edit(request):
    profile = selectors.profile_for(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts-profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "profile": profile, "avatar_form": AvatarForm()},
    )


@login_required
@require_POST
def avatar_upload(request):
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.profile_avatar_set(user=request.user, upload=form.cleaned_data["avatar"])
        except StrideError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your profile picture is updated."))
    else:
        messages.error(request, _("Choose an image to upload."))
    return redirect("accounts-profile")


@login_required
@require_POST
def avatar_delete(request):
    services.profile_avatar_delete(user=request.user)
    messages.success(request, _("Your profile picture is removed."))
    return redirect("accounts-profile")


@login_required
def privacy(request):
    form = PrivacyZoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.privacy_zone_create(user=request.user, **form.cleaned_data)
        except StrideError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The privacy zone is added."))
            return redirect("accounts-privacy")
    zones = selectors.privacy_zone_list(user=request.user).order_by("created")
    return render(
        request,
        "accounts/privacy.html",
        {
            "form": form,
            "zones": zones,
            "import_form": DataImportForm(),
            "last_import": selectors.data_import_latest(user=request.user),
        },
    )


@login_required
@require_POST
def privacy_zone_delete(request, zone_id: int):
    zone = selectors.privacy_zone_get(user=request.user, zone_id=zone_id)
    if zone is None:
        messages.error(request, _("That privacy zone does not exist."))
    else:
        services.privacy_zone_delete(zone=zone)
        messages.success(request, _("The privacy zone is removed."))
    return redirect("accounts-privacy")


@login_required
def consents(request):
    form = ConsentForm(request.POST or None, user=request.user)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        services.consent_record(
            user=request.user, decisions=form.consent_decisions(), request=request
        )
        messages.success(request, _("Your choices are saved."))
        return redirect(next_url or "dashboard")
    states = selectors.consent_states(user=request.user)
    return render(
        request,
        "accounts/consents.html",
        {
            "form": form,
            "states": states,
            "next": next_url,
            "missing": any(s.needs_answer for s in states),
        },
    )


def consent_document(request, document_id: int):
    document = get_object_or_404(ConsentDocument, pk=document_id, published_at__isnull=False)
    title, body = document.text_in(get_language())
    return render(
        request,
        "accounts/consent_document.html",
        {"document": document, "title": title, "body": body},
    )


@login_required
def data_export_download(request, token: str):
    """The archive, for its owner, while the link is valid."""
    export = services.data_export_for_token(user=request.user, token=token)
    if export is None:
        return render(
            request,
            "404.html",
            {"message": _("This download link has expired or is not yours. Ask for a new export.")},
            status=404,
        )
    services.data_export_mark_downloaded(export=export)
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"stride-data-{export.finished_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )


@login_required
@require_POST
def data_export_request(request):
    services.data_export_request(user=request.user)
    messages.success(
        request, _("We are preparing your data. You will get an e-mail with a download link.")
    )
    return redirect("accounts-privacy")


@login_required
def account_delete(request):
    """Ask for the account to be deleted after the grace period, or see when it will be."""
    scheduled = selectors.account_deletion_scheduled(user=request.user)
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and scheduled is None and form.is_valid():
        try:
            services.password_confirm(
                request=request, user=request.user, password=form.cleaned_data["password"]
            )
        except StrideError as exc:
            form.add_error("password", exc.message)
        else:
            erasure = services.account_deletion_request(user=request.user)
            messages.warning(
                request,
                _("Your account will be deleted on %(date)s. You can cancel until then.")
                % {"date": date_format(erasure.scheduled_for, "DATE_FORMAT")},
            )
            return redirect("accounts-delete")
    return render(
        request,
        "accounts/delete.html",
        {
            "form": form,
            "scheduled": scheduled,
            "needs_password": request.user.has_usable_password(),
            "grace_days": settings.ACCOUNT_DELETION_GRACE_DAYS,
        },
    )


@login_required
@require_POST
def account_delete_cancel(request):
    if services.account_deletion_cancel(user=request.user):
        messages.success(request, _("The deletion is cancelled. Your account stays."))
    return redirect("accounts-delete")


@login_required
@require_POST
def data_import_upload(request):
    form = DataImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the .zip file of your Stride data export."))
        return redirect("accounts-privacy")
    try:
        services.data_import_request(user=request.user, upload=form.cleaned_data["archive"])
    except StrideError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your archive is being imported. This page shows the result."))
    return redirect("accounts-privacy")
