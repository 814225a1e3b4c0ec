"""The widget's static files and the demo business homepage that embeds it."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from domain.db import admin_tx
from domain.errors import NotFound
from domain.tenants.hours import describe_hours
from domain.tenants.service import find_by_slug

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))

router = APIRouter(tags=["widget"])

def _static(name: str, media_type: str) -> FileResponse:
    # Cached briefly: a business that embeds the tag picks up a new widget within minutes.
    return FileResponse(STATIC / name, media_type=media_type, headers={"Cache-Control": "public, max-age=300"})


@router.get("/widget/embed.js", include_in_schema=False)
async def embed_js() -> FileResponse:
    return _static("embed.js", "text/javascript")


@router.get("/widget/widget.css", include_in_schema=False)
async def widget_css() -> FileResponse:
    return _static("widget.css", "text/css")


@router.get("/widget/demo/{slug}", response_class=HTMLResponse, include_in_schema=False)
async def demo_page(request: Request, slug: str) -> HTMLResponse:
    """A fictional business's homepage with the widget tag on it."""
    async with admin_tx(request.app.state.db) as conn:
        tenant = await find_by_slug(conn, slug)
        if tenant is None:
            raise NotFound("No such business.")
        categories = [r[0] for r in await (await conn.execute(
            "select name from service_categories where tenant_id = %s and active order by sort_order",
            (tenant.id,))).fetchall()]
    html = templates.get_template("demo_page.html").render(
        business_name=tenant.name, service_area=tenant.service_area or "", categories=categories,
        hours=describe_hours(tenant.business_hours), widget_key=tenant.widget_public_key,
        public_url=request.app.state.settings.public_url)
    return HTMLResponse(html)
