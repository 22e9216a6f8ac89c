"""Import pages: upload several workout files at once (a plain multi-file form, with drag and
drop and per-file progress added by static/js/uploads.js), and follow their jobs."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.devices import presenters, selectors, services

RECENT = 30


@login_required
def upload_list(request):
    if request.method == "POST":
        result = services.upload_files(owner=request.user, files=request.FILES.getlist("files"))
        if result.uploads:
            count = len(result.uploads)
            messages.success(
                request,
                ngettext(
                    "%(count)d file is queued for import.",
                    "%(count)d files are queued for import.",
                    count,
                )
                % {"count": count},
            )
        for name, reason in result.rejected:
            messages.error(request, _("%(name)s: %(reason)s") % {"name": name, "reason": reason})
        if not result.uploads and not result.rejected:
            messages.error(request, _("Choose at least one file."))
        return redirect("devices-uploads")
    uploads = [
        presenters.upload_summary(u) for u in selectors.upload_list(owner=request.user)[:RECENT]
    ]
    return render(
        request,
        "devices/upload_list.html",
        {
            "uploads": uploads,
            # while some are waiting, htmx refreshes the list every few seconds
            "pending": any(u["status"] in ("queued", "processing") for u in uploads),
            "max_bytes": settings.UPLOAD_MAX_BYTES,
            "archive_max_bytes": settings.UPLOAD_ARCHIVE_MAX_BYTES,
        },
    )


@login_required
def upload_detail(request, upload_id: int):
    upload = selectors.upload_get(owner=request.user, upload_id=upload_id)
    if upload is None:
        raise Http404
    files = [
        presenters.upload_summary(u)
        for u in selectors.upload_list(owner=request.user, archive_id=upload.pk)
    ]
    return render(
        request,
        "devices/upload_detail.html",
        {"upload": presenters.upload_summary(upload), "files": files},
    )
