"""Breaking changes between two OpenAPI documents, for `/api/v1/` only growing.

No maintained Python tool fits (oasdiff is Go), so this is a focused comparison: a removed
path or operation, a request property that became required (or a new required parameter), a
response property that disappeared, a removed enum value in a response, and a removed or
re-versioned webhook event type (`x-webhooks`). Additions are never breaking."""

from __future__ import annotations

METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(doc: dict, schema: dict | None, depth: int = 0) -> dict:
    while schema and "$ref" in schema and depth < 20:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc.get("components", {}).get("schemas", {}).get(name, {})
        depth += 1
    return schema or {}


def _props(doc: dict, schema: dict | None) -> tuple[dict, set]:
    schema = _resolve(doc, schema)
    if "allOf" in schema:
        props, required = {}, set()
        for part in schema["allOf"]:
            p, r = _props(doc, part)
            props.update(p)
            required |= r
        return props, required
    if schema.get("type") == "array":
        return _props(doc, schema.get("items"))
    return schema.get("properties", {}), set(schema.get("required", []))


def _json_schema(body: dict | None) -> dict | None:
    content = (body or {}).get("content", {})
    for media in ("application/json", "multipart/form-data"):
        if media in content:
            return content[media].get("schema")
    return None


def _response_schema(operation: dict) -> dict | None:
    for code in ("200", "201", "202"):
        if code in operation.get("responses", {}):
            return _json_schema(operation["responses"][code])
    return None


def _compare_response(old_doc, new_doc, old_s, new_s, where, out, depth=0):
    if depth > 4 or old_s is None:
        return
    old_props, _ = _props(old_doc, old_s)
    new_props, _ = _props(new_doc, new_s)
    for name, old_prop in old_props.items():
        if name not in new_props:
            out.append(f"{where}: response field '{name}' removed")
            continue
        old_enum = set(_resolve(old_doc, old_prop).get("enum") or [])
        new_enum = set(_resolve(new_doc, new_props[name]).get("enum") or [])
        if old_enum and new_enum and not old_enum <= new_enum:
            out.append(
                f"{where}: response field '{name}' lost values {sorted(old_enum - new_enum)}"
            )
        _compare_response(
            old_doc, new_doc, old_prop, new_props[name], f"{where}.{name}", out, depth + 1
        )


def breaking_changes(old: dict, new: dict, prefix: str = "/api/v1/") -> list[str]:
    out: list[str] = []
    for path, old_item in old.get("paths", {}).items():
        if not path.startswith(prefix):
            continue
        new_item = new.get("paths", {}).get(path)
        if new_item is None:
            out.append(f"{path}: path removed")
            continue
        for method in METHODS:
            if method not in old_item:
                continue
            where = f"{method.upper()} {path}"
            if method not in new_item:
                out.append(f"{where}: operation removed")
                continue
            old_op, new_op = old_item[method], new_item[method]
            old_params = {(p["in"], p["name"]) for p in old_op.get("parameters", []) if "name" in p}
            for p in new_op.get("parameters", []):
                if p.get("required") and (p["in"], p["name"]) not in old_params:
                    out.append(f"{where}: new required parameter '{p['name']}'")
            _old_props, old_required = _props(old, _json_schema(old_op.get("requestBody")))
            _new_props, new_required = _props(new, _json_schema(new_op.get("requestBody")))
            for name in sorted(new_required - old_required):
                out.append(f"{where}: request field '{name}' is now required")
            old_response, new_response = _response_schema(old_op), _response_schema(new_op)
            _compare_response(old, new, old_response, new_response, where, out)
    for name, hook in old.get("x-webhooks", {}).items():
        if name not in new.get("x-webhooks", {}):
            out.append(f"webhook {name}: event type removed")
            continue
        old_s = _json_schema(hook["post"]["requestBody"])
        new_s = _json_schema(new["x-webhooks"][name]["post"]["requestBody"])
        old_v = _props(old, old_s)[0].get("schema_version", {}).get("enum")
        new_v = _props(new, new_s)[0].get("schema_version", {}).get("enum")
        if old_v != new_v:
            out.append(f"webhook {name}: schema_version changed {old_v} → {new_v}")
        _compare_response(old, new, old_s, new_s, f"webhook {name}", out)
    return out
