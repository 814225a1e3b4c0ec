from fieldbook.demo import WIDGET_KEY, seed_demo


async def test_embed_script_and_styles_are_served(client):
    js = await client.get("/widget/embed.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    # customer and agent text must never be parsed as HTML
    assert "innerHTML" not in js.text and "textContent" in js.text
    css = await client.get("/widget/widget.css")
    assert css.status_code == 200 and ".fbw-panel" in css.text


async def test_demo_page_embeds_the_widget_with_the_tenant_key(client, db):
    await seed_demo(db, allowed_origins=["http://testserver"])
    page = await client.get("/widget/demo/demo")
    assert page.status_code == 200
    assert f'data-key="{WIDGET_KEY}"' in page.text
    assert 'src="http://testserver/widget/embed.js"' in page.text
    assert "Mon–Fri 09:00–20:00" in page.text


async def test_unknown_demo_business_is_404(client):
    r = await client.get("/widget/demo/nope")
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
