"""OpenAPI: the common error component, added to every operation with the errors it can give."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

ERROR_COMPONENT = "Error"


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Stable machine code, e.g. VALIDATION_ERROR."))
    message = serializers.CharField(help_text=_("Human message in the caller's language."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Messages per field, for validation errors."),
    )


_DESCRIPTIONS = {
    "400": "Bad request: VALIDATION_ERROR (see `fields`) or MALFORMED_REQUEST.",
    "401": "NOT_AUTHENTICATED or AUTHENTICATION_FAILED (missing, invalid or expired token).",
    "403": "PERMISSION_DENIED.",
    "404": "NOT_FOUND.",
    "409": "CONFLICT or IDEMPOTENCY_REQUEST_IN_PROGRESS.",
    "422": "IDEMPOTENCY_KEY_REUSED: the key was used with a different body.",
    "429": "RATE_LIMITED: wait for the number of seconds in Retry-After.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the common errors on every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        ERROR_COMPONENT,
        {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message"],
        },
    )
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            codes = ["429"]
            # Wherever a token can be sent, a wrong one is a 401, even where none is required.
            if operation.get("security") != [{}]:
                codes += ["401"]
            if method in {"post", "put", "patch"}:
                codes += ["400"]
            if "{" in next(p for p, item in result["paths"].items() if item is path_item):
                codes += ["404"]
            if any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", [])):
                codes += ["409", "422"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": _DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return result
