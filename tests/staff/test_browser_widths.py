"""Issue 16's layout rule in real headless Chromium at 390x844: no page is wider than the screen.

An owner (who may open every staff page) walks every page a GET reaches, with data on it: a job with a
long customer note and equipment, a sent estimate with its long link, the customer's own page from that
link. A page that scrolls sideways on a phone fails, named with its width.
"""

from __future__ import annotations

import re

import pytest

from domain.db import fetch_value, tenant_tx
from tests.staff.helpers import seed
from tests.staff.test_browser import CHROMIUM_ARGS, PHONE, smtp  # noqa: F401 (fixture)
from tests.staff.test_browser_jobsite import _log_in_as, server  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

OWNER = "taylor@demo.fieldbook.test"
LONG_WORD = "https://example.com/" + "averyveryverylongpathsegment" * 4   # what customers paste into notes


async def _width(page) -> int:
    return await page.evaluate("document.documentElement.scrollWidth")


async def _sent_estimate(page, base: str, contact_id) -> tuple[str, str]:
    """(staff page, customer link) of a sent estimate, made through the forms as a dispatcher would."""
    await page.goto(f"{base}/staff/invoices/new?kind=estimate&contact={contact_id}")
    await page.fill("input[name=title]", "Replace the water heater with a 50 gallon tank " + LONG_WORD)
    await page.click("#create-invoice")
    await page.wait_for_url(re.compile(r".*/staff/invoices/[0-9a-f-]{36}$"))
    url = page.url
    await page.click("#part-form summary")
    await page.fill("#part-name", "Water heater 50 gal")
    await page.fill("#part-price", "1450")
    await page.click("#add-part")
    await page.wait_for_load_state()
    await page.click("#send-invoice")
    await page.wait_for_selector("#invoice-status >> text=sent")
    link = await page.get_attribute("a.url[href*='/invoice/']", "href")
    return url, link


async def test_no_page_is_wider_than_a_phone(db, server, smtp):  # noqa: F811
    from playwright.async_api import async_playwright
    inbox, _ = smtp
    demo = await seed(db)
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        sarah = await fetch_value(conn, "select id from contacts where phone = '+14165559876'")
        await conn.execute("update tickets set description = %s where id = %s",
                           (f"Furnace blows cold air, see {LONG_WORD}", demo.ticket_id))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = await (await browser.new_context(viewport=PHONE, is_mobile=True)).new_page()
        await _log_in_as(page, server, inbox, OWNER)
        estimate, link = await _sent_estimate(page, server, sarah)
        pages = ["/staff/day", "/staff/day?view=week", f"/staff/tickets/{demo.ticket_id}", "/staff/tickets",
                 "/staff/board", "/staff/phone-in", "/staff/inbox", "/staff/contacts", f"/staff/contacts/{sarah}",
                 "/staff/invoices", "/staff/invoices/overdue", f"/staff/invoices/new?contact={sarah}",
                 estimate, "/staff/messages", "/staff/reports", "/staff/kb", "/staff/settings/tax-rates"]
        too_wide = {}
        for path in pages:
            response = await page.goto(path if path.startswith("http") else server + path)
            assert response.status < 400, f"{path}: {response.status}"
            if (width := await _width(page)) > PHONE["width"]:
                too_wide[path] = width
        customer = await (await browser.new_context(viewport=PHONE, is_mobile=True)).new_page()
        assert (await customer.goto(link)).status == 200
        if (width := await _width(customer)) > PHONE["width"]:
            too_wide["the customer's estimate"] = width
        await browser.close()
    assert too_wide == {}, f"wider than {PHONE['width']}px: {too_wide}"
