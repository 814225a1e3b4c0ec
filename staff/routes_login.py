"""Magic-link login: ask for a link, confirm it (only the POST spends it), log out."""

from __future__ import annotations

import logging

from fastapi import APIRouter, BackgroundTasks, Request

from domain.auth.service import consume_link, find_login_targets, issue_link, record_login_request
from domain.auth.sessions import SESSION_LIFETIME, create_session, end_session
from domain.auth.tokens import keyed_hash, split_token
from domain.db import admin_tx, tenant_tx
from domain.errors import Invalid
from domain.auth.service import LinkInvalid
from staff.mail import send_email
from staff.web import LoginForm, Form, Staff, login_csrf, redirect, render, set_cookie

log = logging.getLogger(__name__)
router = APIRouter(prefix="/staff", include_in_schema=False)


def _login_page(request: Request, template: str, status_code: int = 200, **context):
    token = login_csrf(request)
    response = render(request, template, status_code=status_code, csrf_token=token, **context)
    set_cookie(response, request, "fieldbook_csrf", token, max_age=3600)
    return response


@router.get("/login")
async def login_form(request: Request):
    return _login_page(request, "login.html")


@router.post("/login")
async def request_link(request: Request, form: LoginForm, background: BackgroundTasks):
    """Same answer whether or not the address belongs to anyone; the email leaves after the response."""
    email = form.get("email", "").strip()
    if "@" not in email or len(email) > 254:
        raise Invalid("Enter your email address.", code="INVALID_EMAIL")
    app = request.app
    now = app.state.clock.now()
    ip = request.client.host if request.client else "unknown"
    secret = app.state.settings.secret_key.get_secret_value()
    async with admin_tx(app.state.db) as admin:
        await record_login_request(admin, address_hash=keyed_hash(secret, email), ip=ip, now=now)
        targets = await find_login_targets(admin, email=email)
    links = []
    for target in targets:
        async with tenant_tx(app.state.db.app_pool, target.tenant_id, "login") as conn:
            token, _ = await issue_link(conn, tenant_id=target.tenant_id, staff_user_id=target.staff_user_id,
                                        now=now)
        links.append((target.tenant_name, f"{app.state.settings.public_url}/staff/login/confirm?token={token}"))
    if links:
        body = "\n\n".join(f"Sign in to {name}:\n{url}" for name, url in links)
        background.add_task(send_email, app.state.settings, to=email, subject="Your Fieldbook sign-in link",
                            body=f"{body}\n\nThe link works once, within 15 minutes. "
                                 "If you did not ask for it, ignore this email.")
    return _login_page(request, "login_sent.html")


@router.get("/login/confirm")
async def confirm_form(request: Request, token: str = ""):
    """Shows a button only: mail scanners follow GET links, and must not spend the token."""
    if split_token(token) is None:
        raise LinkInvalid()
    return _login_page(request, "login_confirm.html", token=token)


@router.post("/login/confirm")
async def confirm(request: Request, form: LoginForm):
    parsed = split_token(form.get("token"))
    if parsed is None:
        raise LinkInvalid()
    tenant_id, raw = parsed
    app = request.app
    now = app.state.clock.now()
    async with tenant_tx(app.state.db.app_pool, tenant_id, "login") as conn:
        user_id = await consume_link(conn, raw=raw, now=now)
        new = await create_session(conn, tenant_id=tenant_id, staff_user_id=user_id, now=now)
    response = redirect("/staff/")
    set_cookie(response, request, "fieldbook_session", new.cookie_value,
               max_age=int(SESSION_LIFETIME.total_seconds()))
    return response


@router.post("/logout")
async def logout(request: Request, staff: Staff, form: Form):
    async with staff.tx() as conn:
        await end_session(conn, session_id=staff.session.session_id)
    response = redirect("/staff/login")
    set_cookie(response, request, "fieldbook_session", "", max_age=0)
    return response
