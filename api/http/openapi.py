"""The OpenAPI document, completed with the answers every operation can give.

Some 4xx answers come from app-level layers rather than from a route: the body checks and
size limit (400, 413, 422), strict query strings (422), keys and their throttle (401, 403,
429). Each operation documents them here, with the error body every 4xx has, so a client
(or a schema-driven tester) knows all it may get back.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.http.schemas.errors import ErrorBody

_REF_TEMPLATE = "#/components/schemas/{model}"
_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_COMMON = {400: "Malformed request", 422: "Invalid request"}
_WITH_BODY = {413: "Body or record too large"}
_WITH_IF_MATCH = {412: "The record changed since the version given in If-Match"}
_WITH_KEY = {
    401: "Missing or unknown API key",
    403: "Role not allowed",
    429: "Too many unknown keys",
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds until a key may be tried again.",
        "required": True,
        "schema": {"type": "integer"},
    }
}


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi`` return the completed document (built once)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            complete(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override


def complete(document: dict[str, Any]) -> None:
    """Add the common error answers to every operation of ``document``, in place."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorBody" not in components:
        schema = ErrorBody.model_json_schema(ref_template=_REF_TEMPLATE)
        components.update(schema.pop("$defs", {}))
        components["ErrorBody"] = schema
    for item in document.get("paths", {}).values():
        for operation in item.values():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            codes = dict(_COMMON)
            if "requestBody" in operation:
                codes |= _WITH_BODY
            if operation.get("security"):
                codes |= _WITH_KEY
            if _takes_if_match(operation):
                codes |= _WITH_IF_MATCH
            for code, description in codes.items():
                _document_error(responses, code, description)
            if "429" in responses:
                responses["429"].setdefault("headers", _RETRY_AFTER)


def _takes_if_match(operation: dict[str, Any]) -> bool:
    return any(
        parameter.get("in") == "header" and str(parameter.get("name", "")).lower() == "if-match"
        for parameter in operation.get("parameters", [])
    )


def _document_error(responses: dict[str, Any], code: int, description: str) -> None:
    current = responses.get(str(code))
    schema = (current or {}).get("content", {}).get("application/json", {}).get("schema")
    if schema == _ERROR_REF:
        return
    # FastAPI's own 422 describes its default body, which this service never sends.
    responses[str(code)] = {
        "description": (current or {}).get("description", description),
        "content": {"application/json": {"schema": _ERROR_REF}},
    }


__all__ = ["complete", "install_openapi"]
