"""The widget in real headless Chromium on the demo business's page: a booking, a reload, hostile text."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldbook.bench.customer import answer

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PROFILE = {"phone": "416-555-1234", "name": "Alex Martin", "address": "123 Main Street, Toronto",
           "when": "Today if possible, ASAP", "problem": "It's been running for 30 minutes but only blowing cold air",
           "notes": "I have two friendly dogs, park in the driveway"}
XSS = "<img src=x onerror=alert(1)>"


async def _say(page, text: str) -> str:
    """Types a message, waits for the agent's answer and returns it."""
    replies = ".fbw-agent:not(.fbw-greeting)"   # the greeting a new conversation opens with is not an answer
    before = await page.locator(replies).count()
    await page.fill("#fbw-input", text)
    await page.press("#fbw-input", "Enter")
    await page.locator(replies).nth(before).wait_for(timeout=20_000)
    return (await page.locator(replies + " .fbw-text").nth(before).text_content()) or ""


async def test_book_the_emergency_on_the_demo_page_then_reload(widget_server):
    from playwright.async_api import async_playwright
    ARTIFACTS.mkdir(exist_ok=True)
    dialogs: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        await page.goto(f"{widget_server}/widget/demo/demo")
        await page.get_by_role("button", name="Chat with us").click()
        assert await page.locator("#fbw-input").evaluate("el => el === document.activeElement")

        message = "Hi, my furnace stopped working and it's freezing in here!"
        for _ in range(12):
            reply = await _say(page, message)
            if await page.locator(".fbw-card").count():
                break
            message = answer(reply, PROFILE)
            assert message, f"no answer for {reply!r}"
        card = page.locator(".fbw-card")
        await card.wait_for()
        card_text = await card.text_content()
        assert "Heating & Cooling" in card_text and "123 Main Street" in card_text and "Thu, Nov 6" in card_text
        assert await card.get_by_role("link", name="Add to calendar").get_attribute("href")
        await page.screenshot(path=str(ARTIFACTS / "widget-desktop-booked.png"))
        lines_before = await page.locator(".fbw-msg").count()

        await page.reload()
        await page.locator(".fbw-card").wait_for(timeout=20_000)   # the panel reopens itself and catches up
        await page.locator(".fbw-msg").nth(lines_before - 1).wait_for()
        assert await page.locator(".fbw-msg").count() == lines_before
        await _say(page, XSS)
        shown = page.locator(".fbw-customer .fbw-text").last
        assert await shown.text_content() == XSS
        assert await page.locator(".fbw-log img").count() == 0
        assert dialogs == []

        phone = await (await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)).new_page()
        await phone.goto(f"{widget_server}/widget/demo/demo")
        await phone.get_by_role("button", name="Chat with us").click()
        await _say(phone, "What are your hours?")
        panel = await phone.locator(".fbw-panel").bounding_box()
        assert panel["width"] >= 380   # full screen on a phone
        await phone.screenshot(path=str(ARTIFACTS / "widget-phone.png"))
        await page.screenshot(path=str(ARTIFACTS / "widget-desktop-resumed.png"))
        await browser.close()
