"""The widget on a phone and a desktop: a booking by tapping, keyboard use, and axe-core's verdict."""

from __future__ import annotations

import pytest

from fieldbook.bench.customer import answer
from tests.a11y import assert_accessible
from tests.web_widget.test_browser import ARTIFACTS, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
PROFILE = {"phone": "416-555-1234", "name": "Alex Martin", "address": "123 Main Street, Toronto",
           "when": "tomorrow morning", "problem": "The furnace runs but only blows cold air"}


async def _wait_for_turn(page, agent_lines: int) -> str:
    await page.locator(".fbw-agent:not(.fbw-greeting)").nth(agent_lines).wait_for(timeout=20_000)
    return (await page.locator(".fbw-agent .fbw-text").last.text_content()) or ""


async def _tap(page, label: str, *, keyboard: bool = False) -> str:
    """Taps (or, with the keyboard, tabs to and presses) the choice named `label`; returns the reply."""
    before = await page.locator(".fbw-agent:not(.fbw-greeting)").count()
    button = page.locator(".fbw-choices").get_by_role("button", name=label, exact=False).first
    if keyboard:
        await button.focus()
        await page.keyboard.press("Enter")
    else:
        await button.tap() if await page.evaluate("'ontouchstart' in window") else await button.click()
    return await _wait_for_turn(page, before)


async def _type(page, text: str) -> str:
    before = await page.locator(".fbw-agent:not(.fbw-greeting)").count()
    await page.fill("#fbw-input", text)
    await page.press("#fbw-input", "Enter")
    return await _wait_for_turn(page, before)


@pytest.mark.parametrize("size", SIZES)
async def test_a_booking_by_tapping(widget_server, size):
    from playwright.async_api import async_playwright
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport=SIZES[size], is_mobile=size == "phone", has_touch=size == "phone")
        page = await context.new_page()
        await page.goto(f"{widget_server}/widget/demo/demo")
        await assert_accessible(page, f"the demo page ({size})")

        # keyboard: the launcher is reachable with Tab and opens with Enter; focus lands in the text box
        launcher = page.get_by_role("button", name="Chat with us")
        await launcher.focus()
        await page.keyboard.press("Enter")
        await page.locator(".fbw-greeting").wait_for()
        assert await page.locator("#fbw-input").evaluate("el => el === document.activeElement")
        greeting = await page.locator(".fbw-greeting .fbw-text").text_content()
        assert "Maple Leaf Home Services" in greeting
        starting = await page.locator(".fbw-choice").all_text_contents()
        assert starting == ["Book a visit", "It's an emergency", "Opening hours", "Talk to a person"]
        await assert_accessible(page, f"the open widget ({size})")

        reply = await _tap(page, "Book a visit", keyboard=size == "desktop")
        assert "Heating & Cooling" in await page.locator(".fbw-choice").all_text_contents()
        reply = await _tap(page, "Heating & Cooling")
        for _ in range(6):                       # the phone, the problem, the time, the address, the name
            if await page.locator(".fbw-choice").count():
                break
            reply = await _type(page, answer(reply, PROFILE))
        offers = await page.locator(".fbw-choice").all_text_contents()
        assert len(offers) >= 2 and all(" · " in o and "EST" in o for o in offers), offers
        assert "1) " in reply and "2) " in reply
        await page.screenshot(path=str(ARTIFACTS / f"widget-{size}-offer.png"))
        await assert_accessible(page, f"the offer ({size})")

        await _tap(page, offers[1])
        card = page.locator(".fbw-card")
        await card.wait_for(timeout=20_000)
        text = await card.text_content()
        assert "Heating & Cooling" in text and "123 Main Street" in text, text
        assert await page.locator(".fbw-choice").count() == 0      # the choices went with the tap
        await page.screenshot(path=str(ARTIFACTS / f"widget-{size}-booked.png"))
        await assert_accessible(page, f"the booking card ({size})")

        await page.keyboard.press("Escape")                        # Escape closes; focus returns to the launcher
        assert await launcher.evaluate("el => el === document.activeElement")
        await browser.close()


async def test_a_long_message_is_kept_and_explained(widget_server):
    from playwright.async_api import async_playwright
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = await (await browser.new_context(viewport=SIZES["phone"], is_mobile=True)).new_page()
        await page.goto(f"{widget_server}/widget/demo/demo")
        await page.get_by_role("button", name="Chat with us").click()
        await page.fill("#fbw-input", "x" * 1900)
        assert await page.locator("#fbw-count").text_content() == "100 characters left"
        await page.fill("#fbw-input", "x" * 3000)
        await page.press("#fbw-input", "Enter")
        assert "the limit is 2000" in await page.locator("#fbw-count").text_content()
        assert len(await page.input_value("#fbw-input")) == 3000             # kept, not cut
        assert await page.locator(".fbw-customer").count() == 0             # and not sent
        await assert_accessible(page, "the widget with a message past the limit")
        await browser.close()
