"""Every error leaves as {"error": {"code", "message"}} with a 4xx/5xx status."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from domain.errors import DomainError

log = logging.getLogger(__name__)


def error_body(code: str, message: str, **extra) -> dict:
    return {"error": {"code": code, "message": message, **extra}}


def _describe(err: dict) -> str:
    where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
    return f"{where}: {err.get('msg')}" if where else str(err.get("msg"))


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path: FastAPI makes one route per method, and Starlette's
    own 405 names only the methods of the first route whose path matched."""
    path = request.scope.get("path", "")
    return sorted({m for regex, methods in _method_table(request.app) if regex.match(path) for m in methods})


def _method_table(app: FastAPI) -> list[tuple[Any, set[str]]]:
    """(path regex, methods) of every route, nested routers included; built once per app."""
    table = getattr(app.state, "method_table", None)
    if table is None:
        table = [(compile_path(context.path)[0], set(context.methods))
                 for context in iter_route_contexts(app.routes) if context.path and context.methods]
        app.state.method_table = table
    return table


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        extra = exc.extra() if hasattr(exc, "extra") else {}
        return JSONResponse(error_body(exc.code, exc.message, **extra), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg")}
                   for e in exc.errors()]
        message = "; ".join(_describe(e) for e in exc.errors()[:5]) or "The request is not valid."
        return JSONResponse(error_body("VALIDATION_ERROR", message, details=details), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(
            exc.status_code, "HTTP_ERROR")
        detail = exc.detail if isinstance(exc.detail, str) else "Request failed."
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return JSONResponse(error_body(code, detail), status_code=exc.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("INTERNAL_ERROR", "Something went wrong on our side."), status_code=500)
