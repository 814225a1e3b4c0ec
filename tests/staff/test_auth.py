"""Magic-link login, sessions, CSRF and logout through the real app and database."""

from __future__ import annotations

import re

import pytest

from domain.db import fetch_value, tenant_tx
from tests.staff.helpers import csrf_of, link_for, seed, sign_in, signed_in

MIKE = "mike@demo.fieldbook.test"


async def _ask(client, email: str):
    page = await client.get("/staff/login")
    return await client.post("/staff/login", data={"email": email, "csrf_token": csrf_of(page.text)})


async def _links(db, tenant_id) -> int:
    async with tenant_tx(db.app_pool, tenant_id, "test") as conn:
        return await fetch_value(conn, "select count(*) from magic_links")


class TestRequestLink:
    async def test_same_answer_whether_or_not_the_address_exists(self, db, client, capsys):
        demo = await seed(db)
        known = await _ask(client, MIKE)
        unknown = await _ask(client, "nobody@example.com")
        assert known.status_code == unknown.status_code == 200
        strip = lambda html: re.sub(r'value="[^"]+"', "", html)  # noqa: E731 (the CSRF value differs)
        assert strip(known.text) == strip(unknown.text)
        assert await _links(db, demo.tenant_id) == 1
        printed = capsys.readouterr().out   # no SMTP_HOST: the email goes to the console
        assert f"/staff/login/confirm?token={demo.tenant_id}." in printed and printed.count("token=") == 1

    async def test_rate_limited_per_address(self, db, client):
        await seed(db)
        statuses = [(await _ask(client, MIKE)).status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]

    async def test_rate_limited_per_ip(self, db, client):
        await seed(db)
        statuses = [(await _ask(client, f"someone{i}@example.com")).status_code for i in range(21)]
        assert statuses[:20] == [200] * 20 and statuses[20] == 429

    async def test_post_without_csrf_fails(self, db, client):
        demo = await seed(db)
        response = await client.post("/staff/login", data={"email": MIKE})
        assert response.status_code == 403 and "CSRF_FAILED" in response.text
        assert await _links(db, demo.tenant_id) == 0


class TestConfirmLink:
    async def test_valid_link_signs_in_once(self, db, client, clock):
        demo = await seed(db)
        token = await link_for(db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
        first_get = await client.get("/staff/login/confirm", params={"token": token})
        assert first_get.status_code == 200   # viewing (a mail scanner) does not spend the link
        response = await sign_in(client, token)
        assert response.status_code == 303 and response.headers["location"] == "/staff/"
        cookie = response.headers["set-cookie"]
        assert "fieldbook_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        day = await client.get("/staff/day")
        assert day.status_code == 200 and "Mike Chen" in day.text

    async def test_reused_link_fails(self, db, client, clock):
        demo = await seed(db)
        token = await link_for(db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
        assert (await sign_in(client, token)).status_code == 303
        client.cookies.clear()
        again = await sign_in(client, token)
        assert again.status_code == 422 and "LINK_INVALID" in again.text
        assert "fieldbook_session" not in again.headers.get("set-cookie", "")

    async def test_expired_link_fails(self, db, client, clock):
        demo = await seed(db)
        token = await link_for(db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
        clock.advance(15 * 60 + 1)
        response = await sign_in(client, token)
        assert response.status_code == 422 and "LINK_INVALID" in response.text

    @pytest.mark.parametrize("forge", ["secret", "tenant", "garbage"])
    async def test_forged_link_fails(self, db, client, clock, forge):
        demo = await seed(db)
        token = await link_for(db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
        tenant, _, secret = token.partition(".")
        forged = {"secret": f"{tenant}.{secret[:-4]}AAAA",
                  "tenant": f"00000000-0000-0000-0000-000000000001.{secret}",
                  "garbage": "not-a-token"}[forge]
        page = await client.get("/staff/login/confirm", params={"token": token})
        response = await client.post("/staff/login/confirm", data={"token": forged, "csrf_token": csrf_of(page.text)})
        assert response.status_code == 422 and "LINK_INVALID" in response.text
        assert (await client.get("/staff/day")).status_code == 303   # still signed out


class TestSession:
    async def test_no_session_redirects_to_login(self, db, client):
        await seed(db)
        response = await client.get("/staff/day")
        assert response.status_code == 303 and response.headers["location"] == "/staff/login"

    async def test_form_post_without_csrf_fails(self, db, client, clock):
        demo = await seed(db)
        await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
        response = await client.post(f"/staff/tickets/{demo.ticket_id}/clock-in", data={})
        assert response.status_code == 403 and "CSRF_FAILED" in response.text
        wrong = await client.post(f"/staff/tickets/{demo.ticket_id}/clock-in", data={"csrf_token": "x" * 43})
        assert wrong.status_code == 403
        page = await client.get(f"/staff/tickets/{demo.ticket_id}")
        assert 'id="clock-in"' in page.text   # nothing happened

    async def test_logout_ends_the_session(self, db, client, clock):
        demo = await seed(db)
        csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
        response = await client.post("/staff/logout", data={"csrf_token": csrf})
        assert response.status_code == 303
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            assert await fetch_value(conn, "select count(*) from staff_sessions") == 0
        assert (await client.get("/staff/day")).status_code == 303

    async def test_expired_session_signs_out(self, db, client, clock):
        demo = await seed(db)
        await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
        clock.advance(12 * 3600 + 1)
        assert (await client.get("/staff/day")).status_code == 303

    async def test_https_cookie_is_host_prefixed_and_secure(self, db, clock, settings):
        import httpx

        from fieldbook.app import create_app
        demo = await seed(db)
        app = create_app(settings.model_copy(update={"public_base_url": "https://fieldbook.example"}), db, clock)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as http:
            response = await sign_in(http, await link_for(db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now()))
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-fieldbook_session=") and "Secure" in cookie and "Path=/" in cookie
