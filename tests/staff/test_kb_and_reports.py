"""Staff pages of the knowledge base and the reports: forms with CSRF, revisions, SVG charts, CSV, SLA flags."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from domain.db import fetch_dicts, fetch_value, tenant_tx
from tests.staff.helpers import seed, signed_in

TAYLOR = "taylor@demo.fieldbook.test"     # owner
MIKE = "mike@demo.fieldbook.test"         # technician


def _article_id(location: str) -> str:
    return re.search(r"/staff/kb/articles/([0-9a-f-]{36})$", location).group(1)


async def test_write_publish_revise_compare_restore(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=TAYLOR, now=clock.now())
    r = await client.post("/staff/kb/articles", data={"csrf_token": csrf, "title": "Heat pumps",
                                                      "body": "We service heat pumps of every brand."})
    assert r.status_code == 303
    article = _article_id(r.headers["location"])
    page = await client.get(f"/staff/kb/articles/{article}")
    assert 'id="status">draft' in page.text and "Save and publish" in page.text
    await client.post(f"/staff/kb/articles/{article}", data={
        "csrf_token": csrf, "title": "Heat pumps", "body": "We install and service heat pumps.", "note": "install too",
        "action": "publish"})
    page = await client.get(f"/staff/kb/articles/{article}")
    assert 'id="status">published' in page.text and "install too" in page.text and "#2 " in page.text
    diff = await client.get(f"/staff/kb/articles/{article}/compare", params={"start": 1, "end": 2})
    assert '<span class="del">-We service heat pumps of every brand.</span>' in diff.text
    assert '<span class="add">+We install and service heat pumps.</span>' in diff.text
    await client.post(f"/staff/kb/articles/{article}/revisions/1/restore", data={"csrf_token": csrf})
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        rows = await fetch_dicts(conn, "select body, revision, status from kb_articles where id = %s", (article,))
        actors = await fetch_dicts(conn, "select distinct author from kb_article_revisions where article_id = %s",
                                   (article,))
    assert rows == [{"body": "We service heat pumps of every brand.", "revision": 3, "status": "published"}]
    assert [a["author"] for a in actors] == [f"staff:{await _user(db, demo.tenant_id, TAYLOR)}"]
    search = await client.get("/staff/kb", params={"q": "do you install heat pumps?"})
    assert "Heat pumps" in search.text and "every brand" in search.text


async def _user(db, tenant_id, email):
    async with tenant_tx(db.app_pool, tenant_id, "test") as conn:
        return await fetch_value(conn, "select id from staff_users where email = %s", (email,))


@pytest.mark.parametrize("path, data", [
    ("/staff/kb/articles", {"title": "X", "body": "Y"}),
    ("/staff/kb/categories", {"name": "Billing"}),
    ("/staff/reports/sla", {"urgency": "urgent", "first_response_minutes": "5"}),
])
async def test_forms_need_the_csrf_token(db, client, clock, path, data):
    demo = await seed(db)
    await signed_in(client, db, tenant_id=demo.tenant_id, email=TAYLOR, now=clock.now())
    r = await client.post(path, data=data | {"csrf_token": "forged"})
    assert r.status_code == 403
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        counts = await fetch_dicts(conn, """select (select count(*) from kb_articles) as articles,
            (select count(*) from kb_categories) as categories,
            (select first_response_minutes from sla_policies where urgency = 'urgent') as urgent""")
    assert counts == [{"articles": 0, "categories": 0, "urgent": 60}]


@pytest.mark.parametrize("path", ["/staff/kb", "/staff/reports", "/staff/reports.csv"])
async def test_technicians_cannot_open_owner_pages(db, client, clock, path):
    demo = await seed(db)
    await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    assert (await client.get(path)).status_code == 403


async def test_gap_becomes_an_article(db, client, clock):
    demo = await seed(db)
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        gap = await fetch_value(conn, """insert into kb_gaps (tenant_id, question, normalized)
            values (%s, 'Do you offer <b>financing</b>?', 'do you offer b financing b') returning id""",
                                (demo.tenant_id,))
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=TAYLOR, now=clock.now())
    page = await client.get("/staff/kb")
    assert "Do you offer &lt;b&gt;financing&lt;/b&gt;?" in page.text and "<b>financing" not in page.text
    new = await client.get("/staff/kb/articles/new", params={"question": "Do you offer financing?"})
    assert 'value="Do you offer financing?"' in new.text
    await client.post(f"/staff/kb/gaps/{gap}/resolve", data={"csrf_token": csrf})
    assert "Every question customers asked had an answer." in (await client.get("/staff/kb")).text


async def test_reports_page_draws_svg_and_saves_targets(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=TAYLOR, now=clock.now())
    page = await client.get("/staff/reports", params={"start": "2025-11-01", "end": "2025-11-07"})
    assert page.status_code == 200
    assert page.text.count('<svg class="chart"') == 5 and "<script" not in page.text.split("<main>")[1]
    assert "Mike Chen" in page.text and 'href="/staff/reports.csv?start=2025-11-01&end=2025-11-07"' in page.text
    csv = await client.get("/staff/reports.csv", params={"start": "2025-11-01", "end": "2025-11-07"})
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith("section,item,measure,value")
    r = await client.post("/staff/reports/sla", data={"csrf_token": csrf, "urgency": "urgent",
                                                      "first_response_minutes": "30", "on_site_minutes": ""})
    assert r.status_code == 303
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        row = await fetch_dicts(conn, "select first_response_minutes, on_site_minutes from sla_policies "
                                      "where urgency = 'urgent'")
    assert row == [{"first_response_minutes": 30, "on_site_minutes": None}]


async def test_board_flags_an_overdue_emergency(db, client, clock):
    demo = await seed(db)
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        for minutes, description in ((40, "Water pouring through the ceiling"), (5, "Sparks from the panel")):
            await conn.execute("""insert into tickets (tenant_id, customer_phone, category, urgency, description,
                                                       created_at)
                                  values (%s, '+14165550000', 'Plumbing', 'emergency', %s, %s)""",
                               (demo.tenant_id, description, clock.now() - timedelta(minutes=minutes)))
    await signed_in(client, db, tenant_id=demo.tenant_id, email=TAYLOR, now=clock.now())
    board = (await client.get("/staff/board", params={"day": "2025-11-06"})).text
    late, fresh = (board.split(text)[1].split("</li>")[0] for text in ("Water pouring", "Sparks from"))
    assert "SLA: no response in time" in late
    assert "SLA" not in fresh and "respond by Thu 09:40" in fresh
