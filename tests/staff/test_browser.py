"""The technician's whole job in real headless Chromium, against a real server and a local SMTP server.

Log in through the emailed magic link, clock in, add a line item of each pricing type, close out with
seed 000's notes, edit one extracted attribute, finalize, see the invoice. Phone-width screenshots go
to artifacts/.
"""

from __future__ import annotations

import asyncio
import email
import re
import time
from datetime import datetime
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from domain.clock import Clock
from domain.db import Database, fetch_dicts, fetch_value, tenant_tx
from fieldbook.app import create_app
from fieldbook.settings import load_settings
from tests.live import free_port, serving
from tests.staff.helpers import SEED_NOTES, TORONTO, seed

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    async def wait_for(self, to: str, timeout: float = 10) -> email.message.EmailMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                if message["To"] == to:
                    return message
            await asyncio.sleep(0.05)
        raise AssertionError(f"no email for {to} within {timeout}s")


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def server(database, smtp, tmp_path):
    """uvicorn on a loopback port, in a thread, on the test's database; its clock starts Thu 09:30."""
    _, smtp_port = smtp
    port = free_port()
    settings = load_settings(secret_key="browser-secret-" + "x" * 40, fieldbook_data_dir=tmp_path,
                             public_base_url=f"http://127.0.0.1:{port}", smtp_host="127.0.0.1",
                             smtp_port=smtp_port, smtp_starttls=False)
    app = create_app(settings, Database(database.app, database.admin, app_role=database.app_role, max_size=4),
                     Clock(datetime(2025, 11, 6, 9, 30, tzinfo=TORONTO)))
    with serving(app, port) as base:
        yield base


async def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"staff-{name}.png"), full_page=True)


async def _log_in(page, base: str, inbox: Inbox) -> None:
    await page.goto(f"{base}/staff/login")
    await page.fill("input[name=email]", "mike@demo.fieldbook.test")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#link-sent")
    message = await inbox.wait_for("mike@demo.fieldbook.test")
    link = re.search(r"https?://\S+/staff/login/confirm\?token=\S+", message.get_content()).group(0)
    await page.goto(link)
    await _shot(page, "1-confirm-login")
    await page.click("#confirm-login")
    await page.wait_for_url(f"{base}/staff/day")


async def _add_line(page, service_id, quantity: str, price: str | None = None) -> None:
    await page.select_option("#service", str(service_id))
    await page.fill("#quantity", quantity)
    if price is not None:
        await page.fill("#unit-price", price)
    await page.click("#add-line")
    await page.wait_for_load_state()


async def test_technician_job_from_login_to_invoice(db, server, smtp):
    from playwright.async_api import async_playwright
    inbox, _ = smtp
    demo = await seed(db)
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        services = {r["pricing_type"]: r["id"] for r in await fetch_dicts(conn, """
            select distinct on (pricing_type) pricing_type, id from services
             where name in ('Furnace repair (diagnostic visit)', 'Outlet installation', 'Labour (hourly)')""")}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = await (await browser.new_context(viewport=PHONE, is_mobile=True)).new_page()
        await _log_in(page, server, inbox)
        assert "Sarah Johnson" in await page.inner_text("main")
        await _shot(page, "2-day")

        await page.click("text=Sarah Johnson")
        await page.click("#clock-in")
        await page.wait_for_selector("#clock-out")
        assert await page.inner_text("#ticket-status") == "in progress"
        await _add_line(page, services["fixed"], "1")
        await _add_line(page, services["per_unit"], "3")
        await _add_line(page, services["flexible"], "1.5", "110")
        assert await page.inner_text("#lines-total") == "569.00"
        await _shot(page, "3-ticket")

        await page.fill("#duration", "95")
        await page.fill("#notes", SEED_NOTES)
        await page.click("#closeout-next")
        demographic = page.locator("input.value[data-key=customer_demographic]")
        assert await demographic.input_value() == "elderly"
        assert await page.locator("input.value[data-key=pet]").input_value() == "type: dog, name: Biscuit"
        await demographic.fill("elderly, lives alone")
        await _shot(page, "4-closeout-review")
        await page.click("#finalize")
        await page.wait_for_selector("#invoice")
        assert await page.inner_text("#invoice-total") == "$569.00"
        assert await page.inner_text("#invoice-status") == "draft"
        await _shot(page, "5-invoice")
        await browser.close()

    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        assert await fetch_value(conn, "select status from tickets where id = %s", (demo.ticket_id,)) == "completed"
        attrs = {r["key"]: r["value"] for r in await fetch_dicts(conn, "select key, value from attributes")}
    assert attrs["customer_demographic"] == "elderly, lives alone"
    assert attrs["pet"] == {"type": "dog", "name": "Biscuit"} and attrs["equipment_needed"] == "extension ladder"
