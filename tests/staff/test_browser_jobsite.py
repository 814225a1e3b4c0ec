"""Issue 16's acceptance in real headless Chromium at 390x844: the technician opens tomorrow's job, taps
"On my way" (the SMS is recorded), adds a photo, closes out with notes naming an appliance and a
recommendation in months; the equipment and the follow-up are proposed and saved; the invoice with a part
line and HST has the right totals; a payment reminder is queued, and cancelled when a dispatcher marks the
invoice paid. No page is wider than the screen."""

from __future__ import annotations

import asyncio
import io
import re
import time
from datetime import datetime

import pytest
from PIL import Image

from domain.clock import Clock
from domain.db import Database, fetch_dicts, fetch_value, tenant_tx
from fieldbook.app import create_app
from fieldbook.settings import load_settings
from tests.live import free_port, serving
from tests.staff.helpers import TORONTO, seed, seed_job
from tests.staff.test_browser import CHROMIUM_ARGS, PHONE, Inbox, _log_in, _shot, smtp  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

NOTES = ("Replaced the flame sensor on the Lennox furnace (model ML180, installed 2012). Customer has a golden "
         "retriever named Max. Recommend a full tune-up in 6 months.")


@pytest.fixture
def server(database, smtp, tmp_path):  # noqa: F811
    """As test_browser's, with the jobs running every second so the SMS is recorded while we watch."""
    _, smtp_port = smtp
    port = free_port()
    settings = load_settings(secret_key="browser-secret-" + "x" * 40, fieldbook_data_dir=tmp_path,
                             public_base_url=f"http://127.0.0.1:{port}", smtp_host="127.0.0.1",
                             smtp_port=smtp_port, smtp_starttls=False, jobs_interval_seconds=1)
    app = create_app(settings, Database(database.app, database.admin, app_role=database.app_role, max_size=4),
                     Clock(datetime(2025, 11, 6, 9, 30, tzinfo=TORONTO)))
    with serving(app, port) as base:
        yield base


async def _fits(page, what: str) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} is {width}px wide at {PHONE['width']}px"


async def _until(db, tenant_id, query: str, expected, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while True:
        async with tenant_tx(db.app_pool, tenant_id, "test") as conn:
            value = await fetch_value(conn, query)
        if value == expected or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.25)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (90, 90, 90)).save(out, format="JPEG")
    return out.getvalue()


async def test_tomorrows_job_from_on_my_way_to_paid(db, server, smtp):
    from playwright.async_api import async_playwright
    inbox, _ = smtp
    demo = await seed(db)
    ticket = await seed_job(db, tenant_id=demo.tenant_id, start=datetime(2025, 11, 7, 13, 0, tzinfo=TORONTO))
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        repair = await fetch_value(conn, "select id from services where name = 'Furnace repair (diagnostic visit)'")
        hst = await fetch_value(conn, "select id from tax_rates where name = 'HST'")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = await (await browser.new_context(viewport=PHONE, is_mobile=True)).new_page()
        await _log_in(page, server, inbox)
        await page.click("#tomorrow")
        await page.wait_for_selector("text=Friday 7 November")
        await _fits(page, "tomorrow")
        await page.click(f"a[href='/staff/tickets/{ticket}']")
        await page.wait_for_selector("#on-my-way")
        await page.select_option("#eta", "30")
        await page.click("#on-my-way")
        await page.wait_for_selector("#on-my-way-sent")
        assert await _until(db, demo.tenant_id, "select status from scheduled_messages "
                                                "where message_type = 'on_my_way'", "recorded") == "recorded"

        await page.select_option("#photo-kind", "before")
        await page.set_input_files("#photo", files=[{"name": "before.jpg", "mimeType": "image/jpeg",
                                                      "buffer": _jpeg()}])
        await page.click("#add-photo")
        await page.wait_for_selector("#photos img")
        assert await page.eval_on_selector("#photos img", "img => img.naturalWidth") == 320
        await page.click("#clock-in")
        await page.wait_for_selector("#clock-out")
        await page.select_option("#service", str(repair))
        await page.select_option("#service-tax", str(hst))
        await page.click("#add-line")
        await page.wait_for_load_state()
        await page.click("#part-form summary")
        await page.fill("#part-name", "Flame sensor")
        await page.fill("#part-price", "89.99")
        await page.select_option("#part-tax", str(hst))
        await page.click("#add-part")
        await page.wait_for_load_state()
        assert await page.inner_text("#lines-total") == "270.06"      # 149.00 + 89.99 + HST 19.37 + 11.70
        await _fits(page, "the job")
        await _shot(page, "jobsite-1-job")

        await page.fill("#duration", "75")
        await page.fill("#notes", NOTES)
        await page.click("#closeout-next")
        assert await page.input_value("input[name=equip-0-make]") == "Lennox"
        assert await page.input_value("input[name=equip-0-model]") == "ML180"
        assert await page.input_value("input[name=equip-0-install_year]") == "2012"
        assert await page.is_checked("#reach-out") and await page.input_value("#months") == "6"
        assert "full tune-up" in await page.inner_text("#follow-up-found")
        await page.fill("input[name=equip-0-location]", "basement")
        await _fits(page, "the close-out review")
        await _shot(page, "jobsite-2-closeout")
        await page.click("#finalize")
        await page.wait_for_selector("#invoice")
        assert await page.inner_text("#invoice-subtotal") == "238.99"
        assert await page.inner_text("[data-tax=HST]") == "31.07"
        assert await page.inner_text("#invoice-total") == "$270.06"
        await page.click("#send-invoice")
        await page.wait_for_selector("#invoice-status >> text=sent")
        assert await page.locator("#mark-paid").count() == 0             # money actions: not a technician's
        await _fits(page, "the sent invoice")
        await _shot(page, "jobsite-3-invoice")
        invoice_url = page.url

        dispatcher = await (await browser.new_context(viewport=PHONE, is_mobile=True)).new_page()
        await _log_in_as(dispatcher, server, inbox, "jamie@demo.fieldbook.test")
        await dispatcher.goto(invoice_url)
        await dispatcher.select_option("#payment-method", "e_transfer")
        await dispatcher.fill("#payment-reference", "CA8XJ2")
        await dispatcher.click("#mark-paid")
        await dispatcher.wait_for_selector("#payment")
        await dispatcher.goto(f"{server}/staff/messages")
        await _fits(dispatcher, "/staff/messages")
        await _shot(dispatcher, "jobsite-4-messages")
        await browser.close()

    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        equipment = await fetch_dicts(conn, "select type, make, model, install_year, location from equipment")
        follow_up = await fetch_dicts(conn, "select payload from scheduled_messages where message_type = 'service_reminder'")
        reminders = await fetch_dicts(conn, "select status from scheduled_messages where message_type = 'payment_reminder'")
        photos = await fetch_value(conn, "select count(*) from attachments where ticket_id = %s", (ticket,))
    assert equipment == [{"type": "furnace", "make": "Lennox", "model": "ML180", "install_year": 2012,
                          "location": "basement"}]
    assert follow_up[0]["payload"]["service"] == "full tune-up" and photos == 1
    assert len(reminders) == 3 and {r["status"] for r in reminders} == {"cancelled"}


async def _log_in_as(page, base: str, inbox: Inbox, email: str) -> None:
    await page.goto(f"{base}/staff/login")
    await page.fill("input[name=email]", email)
    await page.click("button[type=submit]")
    await page.wait_for_selector("#link-sent")
    message = await inbox.wait_for(email)
    await page.goto(re.search(r"https?://\S+/staff/login/confirm\?token=\S+", message.get_content()).group(0))
    await page.click("#confirm-login")
    await page.wait_for_url(re.compile(r".*/staff/.*"))
