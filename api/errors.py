"""Every error leaves as {"error": {"code", "message"}} with a 4xx/5xx status."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import DomainError

log = logging.getLogger(__name__)


def error_body(code: str, message: str, **extra) -> dict:
    return {"error": {"code": code, "message": message, **extra}}


def _describe(err: dict) -> str:
    where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
    return f"{where}: {err.get('msg')}" if where else str(err.get("msg"))


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
        return JSONResponse(error_body(code, detail), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("INTERNAL_ERROR", "Something went wrong on our side."), status_code=500)
