"""Acceptance for issue 14 in real Chromium at phone width: a business made by `fieldbook tenant create
--owner-email` alone (a real process, empty database); the owner signs in with the printed link, adds two
technicians with hours, a category with a synonym, a service and the widget's website, colour and greeting; a customer books
through that business's widget using the synonym; a sick day makes those times vanish from the next offer.
Screenshots go to artifacts/owner-*.png."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.clock import Clock
from domain.db import Database
from fieldbook.app import create_app
from fieldbook.bench.customer import answer
from fieldbook.settings import load_settings
from tests.live import free_port, serving

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
TORONTO = ZoneInfo("America/Toronto")
CUSTOMER = {"phone": "416-555-0142", "name": "Jordan Blake", "address": "55 Queen St, Toronto",
            "when": "tomorrow morning", "problem": "The hot tub pump is leaking"}


@pytest.fixture
def server(database, tmp_path):
    """uvicorn over the test's (empty) database; its clock starts Thursday 2025-11-06 09:30 in Toronto."""
    port = free_port()
    settings = load_settings(secret_key="owner-secret-" + "x" * 40, fieldbook_data_dir=tmp_path,
                             public_base_url=f"http://127.0.0.1:{port}", jobs_enabled=False)
    app = create_app(settings, Database(database.app, database.admin, app_role=database.app_role, max_size=6),
                     Clock(datetime(2025, 11, 6, 9, 30, tzinfo=TORONTO)))
    with serving(app, port) as base:
        yield base


def create_business(database, base: str) -> str:
    """`fieldbook tenant create --owner-email` as an operator runs it; returns the printed sign-in link."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": database.admin,
           "PUBLIC_BASE_URL": base, "LOG_LEVEL": "WARNING"}
    done = subprocess.run([sys.executable, "-m", "fieldbook.cli", "tenant", "create", "--name", "Birch Pools",
                           "--slug", "birch", "--timezone", "America/Toronto", "--region", "CA",
                           "--owner-email", "robin@birch.example", "--owner-name", "Robin Birch"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return re.search(r"http://\S+/staff/login/confirm\?token=\S+", done.stdout).group(0)


async def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"owner-{name}.png"), full_page=True)


async def _submit(page, button: str) -> None:
    async with page.expect_navigation():
        await page.click(button)


async def _add_technician(page, base: str, name: str, skill: str, starts: str, ends: str) -> None:
    await page.goto(f"{base}/staff/technicians")
    await page.fill("#new-name", name)
    await page.check(f"#new-skill-{skill}")
    for day in range(1, 6):
        await page.fill(f"#new-h-{day}-0-starts", starts)
        await page.fill(f"#new-h-{day}-0-ends", ends)
    await _submit(page, "#add-technician-button")
    assert await page.inner_text("h1") == name


async def _say(page, text: str) -> str:
    before = await page.locator(".fbw-agent").count()
    await page.fill("#fbw-input", text)
    await page.press("#fbw-input", "Enter")
    await page.locator(".fbw-agent").nth(before).wait_for(timeout=20_000)
    return (await page.locator(".fbw-agent .fbw-text").nth(before).text_content()) or ""


async def _offer(browser, base: str, book: bool) -> str:
    """A customer on the business's website asks for the hot tub; returns the offer (and books it if `book`)."""
    page = await (await browser.new_context(viewport=PHONE, is_mobile=True)).new_page()
    await page.goto(f"{base}/widget/demo/birch")
    await page.get_by_role("button", name="Chat with us").click()
    # the business's look from its settings: its greeting first, its colour, its name on the panel
    assert await page.locator(".fbw-greeting .fbw-text").text_content(timeout=20_000) == \
        "Hi from Birch Pools! What needs fixing?"
    assert await page.locator(".fbw-launcher").evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(17, 136, 68)"
    assert await page.inner_text("#fbw-title") == "Birch Pools"
    reply = await _say(page, "My hot tub pump is leaking, can someone come tomorrow morning?")
    for _ in range(8):
        if "shall i book" in reply.lower():
            break
        reply = await _say(page, answer(reply, CUSTOMER) or "tomorrow morning")
    offer = reply
    assert "shall i book" in offer.lower(), offer
    if book:
        await _say(page, "yes")
        await page.locator(".fbw-card").wait_for(timeout=20_000)
        await _shot(page, "5-customer-booked")
    await page.context.close()
    return offer


async def test_owner_sets_up_from_the_printed_link_and_a_customer_books(database, server):
    from playwright.async_api import async_playwright
    link = create_business(database, server)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport=PHONE, is_mobile=True)
        await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
        page = await context.new_page()
        await page.goto(link)
        await _submit(page, "#confirm-login")
        assert page.url == f"{server}/staff/setup"
        assert "0 of 5 done" in await page.inner_text("#setup-progress")
        await _shot(page, "1-checklist-empty")

        await page.goto(f"{server}/staff/catalog")
        await page.fill("#category-key", "Pools")
        await page.fill("#category-name", "Pool care")
        await page.fill("#category-synonyms", "hot tub, spa")
        await _submit(page, "#add-category")
        await page.fill("#service-name", "Hot tub service")
        await page.select_option("#service-category", "Pools")
        await page.select_option("#service-pricing", "fixed")
        await page.fill("#service-price", "150")
        await _submit(page, "#add-service")
        assert "Hot tub service" in await page.inner_text("#service-list")
        await _shot(page, "2-catalog")

        await _add_technician(page, server, "Kim Park", "Pools", "08:00", "16:00")
        await _add_technician(page, server, "Lee Moss", "Plumbing", "09:00", "17:00")
        await page.goto(f"{server}/staff/technicians")
        kim_page = await page.get_by_role("link", name="Kim Park").get_attribute("href")
        await _shot(page, "3-technicians")

        await page.goto(f"{server}/staff/settings")
        await page.fill("#origins", server)
        await page.fill("#sms-number", "+1 416 555 0100")
        await page.fill("#widget-color", "#118844")
        await page.fill("#widget-greeting", "Hi from Birch Pools! What needs fixing?")
        await _submit(page, "#save-settings")
        assert await page.locator("#saved").count() == 1

        await page.goto(f"{server}/staff/setup")
        assert "5 of 5 done" in await page.inner_text("#setup-progress")
        await page.click("#copy-snippet")
        await page.wait_for_function("document.getElementById('copy-done').textContent.length > 0")
        assert await page.evaluate("navigator.clipboard.readText()") == await page.input_value("#snippet")
        assert 'data-key="wk_' in await page.input_value("#snippet")
        await _shot(page, "4-checklist-done")

        first = await _offer(browser, server, book=True)   # "hot tub" is the new category's synonym
        assert "1) Kim Park, Friday, November 7" in first, first

        await page.goto(f"{server}{kim_page}")
        await page.fill("#off-start-date", "2025-11-07")
        await page.fill("#off-reason", "Sick")
        await _submit(page, "#add-time-off")
        assert "Sick" in await page.inner_text("#time-off-list")
        await _shot(page, "6-sick-day")

        after = await _offer(browser, server, book=False)
        assert "November 7" not in after and "1) Kim Park, Monday, November 10" in after, after
        await browser.close()
