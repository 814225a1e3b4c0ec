"""The answers a route can give, declared once and written into the OpenAPI document.

A route names the error codes it can return with `errors(CODE=status, ...)` as its `responses`; a
dependency that can refuse a request (authentication, rate limits) names its own with `@declares(...)`,
and every route using it inherits them. `contract_openapi` then gives each operation:

- one response per error status, with the project's error body (`Error`) as its schema and the
  codes listed (also machine-readable as `x-error-codes`);
- 422 VALIDATION_ERROR and INVALID_TEXT when it takes parameters or a body, 413 BODY_TOO_LARGE when it
  takes a body;
- an "Errors:" paragraph in its description listing every status and code;
- on every plain string of the document, the text guard's rule (api/text_guard.py): no NUL.

Only the REST surfaces (`/api/`, `/admin/`, `/health`) are documented: staff and widget pages are HTML
for people, not part of the API.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi import routing
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict

from api.text_guard import CODE as TEXT_CODE, TEXT_PATTERN

API_PREFIXES = ("/api/", "/admin/", "/health")
ERROR_SCHEMA = "Error"
TITLES = {400: "Bad request", 401: "Not authenticated", 403: "Not allowed", 404: "Not found",
          405: "Method not allowed", 409: "Conflict with the current state", 413: "Body too large",
          415: "Unsupported media type", 422: "Invalid request", 429: "Too many requests",
          503: "Unavailable"}
CODES_KEY = "x-error-codes"

F = TypeVar("F", bound=Callable[..., Any])


class ErrorDetail(BaseModel):
    """What went wrong: a stable machine-readable `code` and a message for people."""
    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": True})
    code: str
    message: str


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer of the API."""
    error: ErrorDetail


def errors(**codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for error codes and their statuses: errors(NOT_FOUND=404, DUPLICATE_PHONE=409)."""
    by_status: dict[int, list[str]] = defaultdict(list)
    for code, status in codes.items():
        by_status[status].append(code)
    return {status: _response(status, names) for status, names in sorted(by_status.items())}


def declares(**codes: int) -> Callable[[F], F]:
    """Mark a dependency with the error codes it can answer; every route depending on it inherits them."""
    def mark(dependency: F) -> F:
        dependency.__error_codes__ = {**getattr(dependency, "__error_codes__", {}), **codes}  # type: ignore[attr-defined]
        return dependency
    return mark


def _response(status: int, codes: Iterable[str]) -> dict[str, Any]:
    names = sorted(set(codes))
    return {"description": f"{TITLES.get(status, 'Error')}: {', '.join(names)}",
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}},
            CODES_KEY: names}


def documented_routes(app: FastAPI) -> list[Any]:
    """The API routes as they are served (with their routers' prefixes and dependencies)."""
    return [context for context in routing.iter_route_contexts(app.routes)
            if isinstance(context.original_route, APIRoute) and context.include_in_schema
            and context.path_format.startswith(API_PREFIXES)]


def route_error_codes(route: Any) -> dict[str, int]:
    """Every error code the route can answer: declared on it, on its dependencies, and implied by its inputs."""
    codes: dict[str, int] = {}
    for status, response in route.responses.items():
        for code in response.get(CODES_KEY, ()):
            codes[code] = int(status)
    for dependant in _walk(route.dependant):
        codes.update(getattr(dependant.call, "__error_codes__", {}))
    flat = route.dependant
    if any(_params(d) for d in _walk(flat)) or route.body_field is not None:
        codes.setdefault("VALIDATION_ERROR", 422)
        codes.setdefault(TEXT_CODE, 422)
    if route.body_field is not None:
        codes.setdefault("BODY_TOO_LARGE", 413)
    return codes


def _params(dependant: Dependant) -> list:
    return [*dependant.path_params, *dependant.query_params, *dependant.header_params,
            *dependant.cookie_params, *dependant.body_params]


def _walk(dependant: Dependant) -> Iterable[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _walk(sub)


def _describe(description: str, codes: dict[str, int]) -> str:
    by_status: dict[int, list[str]] = defaultdict(list)
    for code, status in codes.items():
        by_status[status].append(code)
    lines = [f"- {status} {TITLES.get(status, 'Error')}: {', '.join(f'`{c}`' for c in sorted(names))}"
             for status, names in sorted(by_status.items())]
    return f"{description.strip()}\n\n**Errors**\n\n" + "\n".join(lines) if description.strip() \
        else "**Errors**\n\n" + "\n".join(lines)


FREE_JSON = "FreeJson"
_FREE_REF = {"$ref": f"#/components/schemas/{FREE_JSON}"}
# Any JSON value the text guard lets through: what an object's unnamed members and an untyped field may hold.
FREE_JSON_SCHEMA = {
    "description": "Any JSON value without NUL characters (the server ignores members it does not name)",
    "anyOf": [{"type": "string", "pattern": TEXT_PATTERN}, {"type": "number"}, {"type": "boolean"},
              {"type": "null"}, {"type": "array", "items": _FREE_REF},
              {"type": "object", "propertyNames": {"pattern": TEXT_PATTERN}, "additionalProperties": _FREE_REF}]}
_TYPED = {"type", "$ref", "anyOf", "oneOf", "allOf", "not", "enum", "const"}


def _state_text_rule(node: Any) -> None:
    """The text guard's rule (api/text_guard.py) in the document's words: every string without a stricter rule
    of its own (pattern, format, enum) has no NUL, nor does any member name; members a model does not name,
    and fields typed only as "any value", are FreeJson."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not ({"pattern", "format", "enum", "const"} & node.keys()):
            node["pattern"] = TEXT_PATTERN
        if node.get("type") == "object":
            node.setdefault("propertyNames", {"pattern": TEXT_PATTERN})
            node.setdefault("additionalProperties", dict(_FREE_REF))
        for name, member in node.get("properties", {}).items():
            if isinstance(member, dict) and not (_TYPED & member.keys()):
                member.update(_FREE_REF)
        for key, value in node.items():
            if key != "additionalProperties" or value is not True:
                _state_text_rule(value)
    elif isinstance(node, list):
        for value in node:
            _state_text_rule(value)


def contract_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The app's `openapi()`: the documented routes, each with every answer it can give."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        routes = documented_routes(app)
        schema = get_openapi(title=app.title, version=app.version, description=app.description,
                             routes=routes, servers=app.servers or None)
        for route in routes:
            codes = route_error_codes(route)
            for method in route.methods:
                operation = schema["paths"][route.path_format].get(method.lower())
                if operation is None:
                    continue
                responses = operation.setdefault("responses", {})
                responses.pop("422", None)   # FastAPI's own validation body is not what the API sends
                for status, response in errors(**codes).items():
                    responses[str(status)] = response
                operation["description"] = _describe(operation.get("description", ""), codes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        components[ERROR_SCHEMA] = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(components[ERROR_SCHEMA].pop("$defs", {}))
        _state_text_rule(schema)
        components[FREE_JSON] = FREE_JSON_SCHEMA
        app.openapi_schema = schema
        return schema

    return openapi
