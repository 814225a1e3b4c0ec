"""The owner, at phone width in real Chromium, writes and publishes an article; the widget's agent answers from it."""

from __future__ import annotations

import re

import httpx
import pytest

import fieldbook.demo
from tests.staff.helpers import seed
from tests.staff.test_browser import CHROMIUM_ARGS, PHONE, _shot, server, smtp  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
OWNER = "taylor@demo.fieldbook.test"


async def _wide(page) -> int:
    """How far the page reaches past the screen's width (0 when nothing is wider than the phone)."""
    return await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


async def test_owner_publishes_an_article_the_agent_answers_from(db, server, smtp):  # noqa: F811
    from playwright.async_api import async_playwright
    inbox, _ = smtp
    await seed(db)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = await (await browser.new_context(viewport=PHONE, is_mobile=True)).new_page()
        await page.goto(f"{server}/staff/login")
        await page.fill("input[name=email]", OWNER)
        await page.click("button[type=submit]")
        message = await inbox.wait_for(OWNER)
        await page.goto(re.search(r"https?://\S+/staff/login/confirm\?token=\S+", message.get_content()).group(0))
        await page.click("#confirm-login")
        await page.wait_for_url(f"{server}/staff/board")

        await page.goto(f"{server}/staff/kb")
        await page.click("#new-article")
        await page.fill("input[name=title]", "Gas fireplace servicing")
        await page.fill("textarea[name=body]", "We clean and inspect gas fireplaces once a year. A visit takes about "
                                               "an hour and includes a carbon monoxide test.")
        await page.click("#publish")
        await page.wait_for_selector("#revisions")
        assert await page.inner_text("#status") == "published"
        assert await _wide(page) <= 0
        await _shot(page, "kb-article")
        await page.goto(f"{server}/staff/kb")
        assert await _wide(page) <= 0 and "Gas fireplace servicing" in await page.inner_text("#articles")
        await page.goto(f"{server}/staff/reports?start=2025-11-01&end=2025-11-07")
        assert await page.locator("svg.chart").count() == 5
        assert await _wide(page) <= 0
        # nothing sticks out of its card either
        assert await page.evaluate("""[...document.querySelectorAll('section.card')].every(
            card => [...card.children].every(child => child.getBoundingClientRect().right
                                                       <= card.getBoundingClientRect().right + 1))""")
        await _shot(page, "reports")
        await browser.close()

    async with httpx.AsyncClient(base_url=server) as client:
        r = await client.post("/api/v1/ai-agent/chat", headers={"X-Widget-Key": fieldbook.demo.WIDGET_KEY,
                                                                "Origin": "http://127.0.0.1"},
                              json={"conversation_id": None, "message": "Do you service gas fireplaces?"})
    reply = r.json()["response"]
    assert "Gas fireplace servicing" in reply and "We clean and inspect gas fireplaces once a year." in reply
