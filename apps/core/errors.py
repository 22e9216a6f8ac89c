"""Django-level error views: JSON in the API's error shape under /api/, pages elsewhere."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/_allauth/", "/webhooks/"))


def _error(request, status: int, code: str, message: str, template: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"code": code, "message": message}, status=status)
    return render(request, template, {"message": message}, status=status)


def bad_request(request, exception=None):
    return _error(
        request, 400, "BAD_REQUEST", _("The request could not be understood."), "400.html"
    )


def permission_denied(request, exception=None):
    return _error(
        request, 403, "PERMISSION_DENIED", _("You do not have access to this page."), "403.html"
    )


def page_not_found(request, exception=None):
    return _error(request, 404, "NOT_FOUND", _("There is nothing at this address."), "404.html")


def server_error(request):
    return _error(
        request,
        500,
        "SERVER_ERROR",
        _("Something went wrong on our side. Try again later."),
        "500.html",
    )
