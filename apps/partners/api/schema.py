"""OpenAPI for the outbound webhooks: every registered event type becomes a component schema
with an example, and `x-webhooks` describes each delivery as OpenAPI 3.1 `webhooks` would (the
document stays OpenAPI 3.0, which allows `x-` extensions at the root)."""

from apps.partners import registry

_HEADERS = {
    "webhook-id": "The event id (evt_…); the same on every retry: de-duplicate on it.",
    "webhook-timestamp": "Unix seconds when this attempt was signed; reject if over 5 min off.",
    "webhook-signature": "Space-separated `v1,<base64 HMAC-SHA256>` of `id.timestamp.body`, "
    "one per valid secret (two during a rotation).",
}


def _component(spec) -> dict:
    data_properties = {
        key: {"type": "integer" if isinstance(value, int) else "number"}
        if isinstance(value, int | float) and not isinstance(value, bool)
        else {"type": "string"}
        for key, value in spec.example.items()
    }
    return {
        "type": "object",
        "description": spec.description,
        "required": ["type", "id", "created_at", "schema_version", "data"],
        "properties": {
            "type": {"type": "string", "enum": [spec.name]},
            "id": {"type": "string", "example": "evt_6f1c0d3a9b8e4f3c8a1d2e3f4a5b6c7d"},
            "created_at": {"type": "string", "format": "date-time"},
            "schema_version": {"type": "integer", "enum": [spec.schema_version]},
            "data": {"type": "object", "properties": data_properties},
        },
        "example": {
            "type": spec.name,
            "id": "evt_6f1c0d3a9b8e4f3c8a1d2e3f4a5b6c7d",
            "created_at": "2026-05-01T08:21:07.512Z",
            "schema_version": spec.schema_version,
            "data": spec.example,
        },
    }


def add_webhooks(result, generator, request, public):
    """drf-spectacular postprocessing hook: document every webhook event type."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    webhooks = {}
    for spec in registry.event_types():
        name = "WebhookEvent_" + spec.name.replace(".", "_")
        schemas[name] = _component(spec)
        webhooks[spec.name] = {
            "post": {
                "summary": spec.description,
                "operationId": "webhook_" + spec.name.replace(".", "_"),
                "tags": ["webhooks"],
                "parameters": [
                    {
                        "name": header,
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": text,
                    }
                    for header, text in _HEADERS.items()
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                    },
                },
                "responses": {
                    "2XX": {"description": "Received (also for a duplicate webhook-id)."},
                    "4XX": {"description": "Bad signature or stale timestamp: not retried."},
                },
            }
        }
    result["x-webhooks"] = webhooks
    return result
