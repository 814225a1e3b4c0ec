"""CORS for the widget's HTTP fallback (`POST /api/v1/ai-agent/chat`), called from the business's site.

A preflight cannot carry the widget key, so it is answered for any origin; the POST itself is refused
(403) unless its Origin is on the tenant's allow-list, and only then does the answer carry
Access-Control-Allow-Origin. No cookies cross: credentials are never allowed.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.tenants.origins import normalize_origin

PATH = "/api/v1/ai-agent/chat"


class WidgetCors:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        origin = normalize_origin(Headers(scope=scope).get("origin"))
        if origin and scope["method"] == "OPTIONS":
            await Response(status_code=204, headers={
                "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": "content-type, x-widget-key", "Access-Control-Max-Age": "600",
                "Vary": "Origin"})(scope, receive, send)
            return

        async def with_cors(message: Message) -> None:
            # the route answered 2xx only after checking the Origin against the tenant's list
            if message["type"] == "http.response.start" and origin and message["status"] < 400:
                headers = MutableHeaders(scope=message)
                headers["Access-Control-Allow-Origin"] = origin
                headers["Vary"] = "Origin"
            await send(message)

        await self.app(scope, receive, with_cors)
