"""The dispatcher's phone-in in real Chromium at phone width: four presses from "Take a call" to a booked visit,
every hint on screen, then the kanban and the board show it."""

from __future__ import annotations

import pytest

from tests.staff.test_inbox_browser import ARTIFACTS, CHROMIUM_ARGS, PHONE, _sign_in, live_server  # noqa: F401

pytestmark = pytest.mark.browser


async def test_phone_in_booking_in_four_presses(db, live_server):
    from playwright.async_api import async_playwright
    base, demo, clock = live_server
    ARTIFACTS.mkdir(exist_ok=True)
    presses = 0
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = await _sign_in(browser, db, base, demo, clock, PHONE)

        async def press(selector: str) -> None:
            nonlocal presses
            presses += 1
            await page.click(selector)
            await page.wait_for_load_state()

        await press("text=Take a call")
        await page.fill("#phone", "416 555 0142")
        await press("#look-up")
        assert await page.locator("#caller-new").is_visible()
        assert await page.locator("text=Saving records the request first").is_visible()   # hints are on screen
        await page.fill("#name", "Dana Lee")
        await page.fill("#line1", "12 Elm St")
        await page.select_option("#category", "Plumbing")
        await page.fill("#description", "Leaking pipe under the sink")
        await page.screenshot(path=str(ARTIFACTS / "phone-in-form-phone.png"), full_page=True)
        await press("#save-call")
        assert await page.locator("text=Booking texts the customer a confirmation").is_visible()
        await page.screenshot(path=str(ARTIFACTS / "phone-in-times-phone.png"), full_page=True)
        await press("button.option >> nth=0")
        assert await page.inner_text("#ticket-status") == "scheduled"
        assert presses == 4

        await page.goto(f"{base}/staff/tickets")
        scheduled = page.locator('section.lane.scheduled .ticket-card', has_text="Dana Lee")
        assert await scheduled.count() == 1
        await page.screenshot(path=str(ARTIFACTS / "tickets-kanban-phone.png"), full_page=True)
        await browser.close()
