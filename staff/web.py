"""What every staff page shares: templates (autoescaped), the signed-in staff member, CSRF, cookies."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from psycopg import AsyncConnection

from domain.attachments.storage import FileStorage
from domain.auth.models import StaffSession
from domain.auth.sessions import get_session
from domain.auth.tokens import new_secret, same, split_token
from domain.clock import Clock
from domain.db import Database, tenant_tx
from domain.errors import DomainError, Forbidden
from domain.phones import format_phone
from domain.tenants.models import Tenant
from domain.tenants.service import get_tenant

HERE = Path(__file__).resolve().parent
# Autoescaping is on explicitly, for every template whatever its extension.
templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                        trim_blocks=True, lstrip_blocks=True)


def local_time(moment, tzname: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A timestamp in the business's timezone."""
    return moment.astimezone(ZoneInfo(tzname)).strftime(fmt) if moment else ""


def percent(value: Decimal) -> str:
    """13.000 -> '13%', 12.5 -> '12.5%'."""
    return f"{Decimal(value).normalize():f}%"


def quantity(value: Decimal) -> str:
    """1.00 -> '1', 1.50 -> '1.5'."""
    return f"{Decimal(value).normalize():f}"


def cut_at_word(text: str, limit: int = 80) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    return cut.rstrip(" ,.;:-") + "…"


def job_title(ticket, limit: int = 80) -> str:
    """A job's title once: its own title, or its description when the title only repeats the start of it
    (requests from the chat get the description's first characters as title), cut at a word."""
    title, description = (ticket.title or "").strip(), (ticket.description or "").strip()
    if not title or description.lower().startswith(title.lower().rstrip(".…")):
        title = description or ticket.service_category
    return cut_at_word(title, limit)


def job_details(ticket, limit: int = 80) -> str | None:
    """The description, unless the title shown already is all of it."""
    description = (ticket.description or "").strip()
    if not description or job_title(ticket, limit) == " ".join(description.split()):
        return None
    return description


templates.filters["local"] = local_time
templates.filters["percent"] = percent
templates.filters["qty"] = quantity
templates.filters["phone"] = lambda value: format_phone(value) if value else ""
templates.globals.update(job_title=job_title, job_details=job_details, timedelta=timedelta)
NOBODY = UUID(int=0)  # a technician without a technician record sees no job at all


class LoginRequired(Exception):
    """No valid session: the page sends the browser to the login form."""


class CsrfFailed(Forbidden):
    code = "CSRF_FAILED"

    def __init__(self) -> None:
        super().__init__("The form expired or did not come from this site. Reload the page and try again.")


def https(request: Request) -> bool:
    return request.app.state.settings.public_url.startswith("https://")


def cookie_name(request: Request, base: str) -> str:
    """`__Host-` cookies must be Secure, which browsers refuse over plain http (local demo, tests)."""
    return f"__Host-{base}" if https(request) else base


def set_cookie(response, request: Request, base: str, value: str, max_age: int | None) -> None:
    response.set_cookie(cookie_name(request, base), value, max_age=max_age, path="/", httponly=True,
                        samesite="lax", secure=https(request))


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = templates.get_template(name).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@dataclass
class StaffContext:
    """The signed-in staff member, their business, and the means to open its transaction."""
    db: Database
    clock: Clock
    session: StaffSession
    tenant: Tenant

    @property
    def actor(self) -> str:
        return f"staff:{self.session.staff_user_id}"

    @property
    def only_technician(self) -> UUID | None:
        """None for owners and dispatchers (every job); the technician's own id otherwise."""
        return None if self.session.dispatches else (self.session.technician_id or NOBODY)

    def tx(self) -> AbstractAsyncContextManager[AsyncConnection]:
        return tenant_tx(self.db.app_pool, self.tenant.id, self.actor)

    def require_dispatch(self) -> None:
        if not self.session.dispatches:
            raise Forbidden("Only owners and dispatchers can open this page.")

    def require_owner(self) -> None:
        if self.session.role != "owner":
            raise Forbidden("Only the business's owners can open this page.")


async def staff_context(request: Request) -> StaffContext:
    parsed = split_token(request.cookies.get(cookie_name(request, "fieldbook_session")))
    if parsed is None:
        raise LoginRequired()
    tenant_id, raw = parsed
    db: Database = request.app.state.db
    clock: Clock = request.app.state.clock
    async with tenant_tx(db.app_pool, tenant_id, "staff-session") as conn:
        session = await get_session(conn, raw=raw, now=clock.now())
        tenant = await get_tenant(conn, tenant_id) if session else None
    if session is None or tenant is None:
        raise LoginRequired()
    request.state.timezone = tenant.timezone   # error pages show times in the business's timezone
    return StaffContext(db=db, clock=clock, session=session, tenant=tenant)


Staff = Annotated[StaffContext, Depends(staff_context)]


async def checked_form(request: Request, staff: Staff) -> dict[str, str]:
    """The posted form, once its CSRF token matches the session's."""
    form = await request.form()
    if not same(form.get("csrf_token"), staff.session.csrf_token):
        raise CsrfFailed()
    return {k: v for k, v in form.items() if isinstance(v, str)}


Form = Annotated[dict[str, str], Depends(checked_form)]


def file_storage(request: Request) -> FileStorage:
    return request.app.state.storage


Storage = Annotated[FileStorage, Depends(file_storage)]


def login_csrf(request: Request) -> str:
    """The double-submit token of the (pre-session) login forms: the cookie's value, or a new one."""
    return request.cookies.get(cookie_name(request, "fieldbook_csrf")) or new_secret()


async def checked_login_form(request: Request) -> dict[str, str]:
    form = await request.form()
    if not same(form.get("csrf_token"), request.cookies.get(cookie_name(request, "fieldbook_csrf"))):
        raise CsrfFailed()
    return {k: v for k, v in form.items() if isinstance(v, str)}


LoginForm = Annotated[dict[str, str], Depends(checked_login_form)]


def install_staff_errors(app) -> None:
    """Staff pages answer errors with an HTML page (or the login form); other paths keep the JSON body."""
    json_domain = app.exception_handlers[DomainError]

    async def domain_error(request: Request, exc: DomainError):
        if not request.url.path.startswith(("/staff", "/invoice/")):
            return await json_domain(request, exc)
        return render(request, "error.html", status_code=exc.status_code, code=exc.code, message=exc.message,
                      alternatives=getattr(exc, "alternatives", []),
                      timezone=getattr(request.state, "timezone", "UTC"))

    async def login_required(request: Request, exc: LoginRequired):
        return redirect("/staff/login")

    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(LoginRequired, login_required)
