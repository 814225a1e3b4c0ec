"""One guard for text in every request: no NUL characters, no unpaired surrogates, only UTF-8 bodies.

PostgreSQL's `text` and `jsonb` cannot hold U+0000, and a lone surrogate (`"\\ud800"` in JSON) is not a
character at all; either reaching a query is a database error, i.e. a 500. Rather than every field of
every model repeating the rule, this middleware checks the path, the query string and JSON or form
bodies before any route runs, and answers 422 INVALID_TEXT. The OpenAPI document states the same rule
on every string (api/answers.py), so what the document accepts the guard accepts.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body

CODE = "INVALID_TEXT"
# what the document says of every string: no U+0000 (surrogates cannot be sent as UTF-8 at all)
TEXT_PATTERN = r"^[^\x00]*$"
_BAD = re.compile("[\x00\ud800-\udfff]")
_CHECKED_BODIES = ("application/json", "application/x-www-form-urlencoded")


def bad_text(value: Any) -> bool:
    """True when a decoded JSON value (keys included) holds a NUL or an unpaired surrogate."""
    if isinstance(value, str):
        return _BAD.search(value) is not None
    if isinstance(value, dict):
        return any(bad_text(k) or bad_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(bad_text(v) for v in value)
    return False


def _media_type(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return value.decode("latin-1").split(";")[0].strip().lower()
    return ""


def _form_is_bad(body: bytes) -> bool:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return any(bad_text(k) or bad_text(v) for k, v in parse_qsl(text, keep_blank_values=True))


def _json_is_bad(body: bytes) -> bool:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    try:
        return bad_text(json.loads(text))
    except ValueError:
        return False   # malformed JSON is the route's to answer (422 VALIDATION_ERROR)


class TextGuard:
    """Answers 422 INVALID_TEXT before routing when any part of the request holds text PostgreSQL cannot store."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if bad_text(scope.get("path", "")) or _query_is_bad(scope.get("query_string", b"")):
            await _refuse(scope, receive, send, "The address holds a character that text cannot contain (NUL).")
            return
        media = _media_type(scope)
        if not (media in _CHECKED_BODIES or media.endswith("+json")):
            await self.app(scope, receive, send)
            return
        body, receive = await _buffered(receive)
        bad = _form_is_bad(body) if media == "application/x-www-form-urlencoded" else _json_is_bad(body)
        if bad:
            await _refuse(scope, receive, send,
                          "The body must be UTF-8 text without NUL characters or unpaired surrogates.")
            return
        await self.app(scope, receive, send)


def _query_is_bad(query: bytes) -> bool:
    # Starlette decodes %-escapes as UTF-8 with replacement, so only NUL survives to the routes
    return any(bad_text(k) or bad_text(v) for k, v in parse_qsl(query.decode("latin-1"), keep_blank_values=True))


async def _buffered(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body, and a `receive` that hands it to the app again."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _refuse(scope: Scope, receive: Receive, send: Send, message: str) -> None:
    await JSONResponse(error_body(CODE, message), status_code=422)(scope, receive, send)
