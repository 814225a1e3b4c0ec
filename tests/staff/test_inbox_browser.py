"""Issue 15's acceptance in real Chromium, two browser contexts: a customer asks the widget for a person; the
dispatcher (desktop, then phone width) sees it flagged in the inbox without reloading, replies; the reply appears
in the customer's open widget without a reload; hand back; the customer's next message gets the agent."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

import fieldbook.demo
from domain.clock import Clock
from domain.db import Database
from fieldbook.app import create_app
from fieldbook.settings import load_settings
from tests.live import free_port, serving
from tests.staff.helpers import TORONTO, link_for

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
JAMIE = "jamie@demo.fieldbook.test"


@pytest.fixture
async def live_server(database, db, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    demo = await fieldbook.demo.seed_demo(db, allowed_origins=[base])
    clock = Clock(datetime(2025, 11, 6, 9, 30, tzinfo=TORONTO))
    settings = load_settings(secret_key="inbox-secret-" + "x" * 40, fieldbook_data_dir=tmp_path,
                             public_base_url=base, jobs_enabled=False)
    app = create_app(settings, Database(database.app, database.admin, app_role=database.app_role, max_size=6), clock)
    with serving(app, port):
        yield base, demo, clock


async def _sign_in(browser, db, base, demo, clock, viewport):
    context = await browser.new_context(viewport=viewport, is_mobile=viewport is PHONE)
    page = await context.new_page()
    token = await link_for(db, tenant_id=demo.tenant.id, email=JAMIE, now=clock.now())
    await page.goto(f"{base}/staff/login/confirm?token={token}")
    await page.click("#confirm-login")
    await page.wait_for_url(f"{base}/staff/board")
    return page


async def _customer_says(page, text: str, reply_class: str = "fbw-agent") -> str:
    replies = f".{reply_class}:not(.fbw-greeting)"   # the greeting the panel opens with answers nothing
    before = await page.locator(replies).count()
    await page.fill("#fbw-input", text)
    await page.press("#fbw-input", "Enter")
    await page.locator(replies).nth(before).wait_for(timeout=20_000)
    return (await page.locator(f"{replies} .fbw-text").nth(before).text_content()) or ""


async def test_customer_asks_for_a_person_and_the_dispatcher_answers_live(db, live_server):
    from playwright.async_api import async_playwright
    base, demo, clock = live_server
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        desk = await _sign_in(browser, db, base, demo, clock, DESKTOP)
        await desk.click("text=Inbox")
        await desk.wait_for_url(f"{base}/staff/inbox")
        assert "No conversation needs staff right now" in await desk.inner_text("#inbox-list")

        customer = await (await browser.new_context(viewport=DESKTOP)).new_page()
        await customer.goto(f"{base}/widget/demo/demo")
        await customer.get_by_role("button", name="Chat with us").click()
        assert "phone number" in await _customer_says(customer, "I want to talk to a person")
        assert "call you back" in await _customer_says(customer, "416-555-0142")

        # flagged in the dispatcher's open inbox, no reload
        flagged = desk.locator(".inbox-item.needs_staff", has_text="(416) 555-0142")
        await flagged.wait_for(timeout=15_000)
        assert await desk.inner_text("#count-needs_staff") == "1"
        await desk.screenshot(path=str(ARTIFACTS / "inbox-desktop-flagged.png"), full_page=True)
        await flagged.locator("a").click()
        await desk.wait_for_url(f"{base}/staff/inbox/*")
        assert await desk.locator("#state").inner_text() == "Needs staff"
        assert await desk.locator("text=A reply goes to the customer").is_visible()   # the hint is on screen
        await desk.fill("#reply-text", "Hi, this is Jamie from Maple Leaf. How can I help?")
        await desk.click("#send-reply")
        await desk.wait_for_load_state()
        assert await desk.locator("#state").inner_text() == "With staff"

        shown = customer.locator(".fbw-staff .fbw-text")
        await shown.wait_for(timeout=15_000)                       # in the open widget, without a reload
        assert await shown.text_content() == "Hi, this is Jamie from Maple Leaf. How can I help?"
        assert await customer.locator(".fbw-staff .fbw-who").is_visible()
        await customer.screenshot(path=str(ARTIFACTS / "inbox-widget-staff-reply.png"))

        # the customer answers; the dispatcher's open conversation shows it live
        await customer.fill("#fbw-input", "Can someone come Friday?")
        await customer.press("#fbw-input", "Enter")
        await desk.locator("#transcript .msg.customer", has_text="Can someone come Friday?").wait_for(timeout=15_000)

        phone = await _sign_in(browser, db, base, demo, clock, PHONE)
        await phone.goto(desk.url)
        assert (await phone.locator("#hand-back").bounding_box())["width"] <= PHONE["width"]
        await phone.screenshot(path=str(ARTIFACTS / "inbox-phone-conversation.png"), full_page=True)
        await phone.click("#hand-back")
        await phone.wait_for_load_state()
        assert await phone.locator("#state").inner_text() == "Agent"

        answer = await _customer_says(customer, "What are your hours?")
        assert "Monday to Friday" in answer and "reply here" not in answer   # the agent again
        await browser.close()
