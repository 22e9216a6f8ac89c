"""Request-scoped plumbing."""

import re
import uuid

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from apps.core.logging import request_id_var

_VALID_ID = re.compile(r"^[A-Za-z0-9._\-]{8,64}$")


def _request_id(request) -> str:
    incoming = request.headers.get("X-Request-ID", "")
    return incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Takes a sane X-Request-ID from the proxy or makes one; logs and the response carry it."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        token = request_id_var.set(_request_id(request))
        request.request_id = request_id_var.get()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.request_id
        return response

    async def __acall__(self, request):
        token = request_id_var.set(_request_id(request))
        request.request_id = request_id_var.get()
        try:
            response = await self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class ProbeMiddleware:
    """Answers /healthz, /readyz and /metrics before host validation and sessions.

    Kubelets and Prometheus address a pod by its IP, which is not an allowed host; these three
    endpoints read no Host header, so they are served before CommonMiddleware would refuse it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        from apps.core import views

        self.probes = {
            "/healthz": views.healthz,
            "/readyz": views.readyz,
            "/metrics": views.metrics,
        }

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
