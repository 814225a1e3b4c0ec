"""The knowledge base over REST: slugs, drafts and publishing, revisions, feedback, search, isolation."""

from __future__ import annotations

import pytest

HEAT_PUMPS = {"title": "Heat pump service", "body": (
    "We install, repair and maintain heat pumps of every major brand. A heat pump check takes about an hour. "
    "Our technicians clean the coils and test the refrigerant charge.\nWe do not service geothermal loops.")}
TUNE_UP = {"title": "What a furnace tune-up includes", "body": (
    "A furnace tune-up includes a filter change, a burner cleaning and a safety check of the heat exchanger. "
    "It takes about ninety minutes.")}


async def _post(client, tenant, path, body, status=201):
    r = await client.post(f"/api/v1/kb{path}", json=body, headers=tenant.headers)
    assert r.status_code == status, r.text
    return r.json()


class TestStructure:
    @pytest.mark.parametrize("given, slug", [
        (None, "heating-cooling"), ("  Héating & Cooling!! ", "heating-cooling"), ("A--B__c", "a-b-c")])
    async def test_slugs_are_normalised(self, client, factory, given, slug):
        a = await factory.tenant()
        body = {"name": "Heating & Cooling"} | ({"slug": given} if given else {})
        assert (await _post(client, a, "/categories", body))["slug"] == slug

    async def test_duplicate_slug_is_409_and_other_tenant_may_reuse_it(self, client, factory):
        a, b = await factory.tenant(), await factory.tenant()
        await _post(client, a, "/categories", {"name": "Billing"})
        r = await client.post("/api/v1/kb/categories", json={"name": "billing!"}, headers=a.headers)
        assert (r.status_code, r.json()["error"]["code"]) == (409, "DUPLICATE_SLUG")
        await _post(client, b, "/categories", {"name": "Billing"})

    async def test_sections_live_in_a_category(self, client, factory):
        a, b = await factory.tenant(), await factory.tenant()
        category = await _post(client, a, "/categories", {"name": "Heating"})
        section = await _post(client, a, "/sections", {"name": "Furnaces", "category_id": category["id"]})
        listed = (await client.get(f"/api/v1/kb/sections?category_id={category['id']}", headers=a.headers)).json()
        assert [s["id"] for s in listed["data"]] == [section["id"]]
        # another business cannot file a section under this category, nor see it
        r = await client.post("/api/v1/kb/sections", json={"name": "X", "category_id": category["id"]}, headers=b.headers)
        assert r.status_code == 404
        assert (await client.get(f"/api/v1/kb/sections/{section['id']}", headers=b.headers)).status_code == 404
        r = await client.patch(f"/api/v1/kb/sections/{section['id']}", json={"name": "Boilers"}, headers=a.headers)
        assert r.json()["name"] == "Boilers" and r.json()["slug"] == "furnaces"
        assert (await client.delete(f"/api/v1/kb/categories/{category['id']}", headers=a.headers)).status_code == 204
        assert (await client.get(f"/api/v1/kb/sections/{section['id']}", headers=a.headers)).status_code == 404

    @pytest.mark.parametrize("body", [{"name": ""}, {"name": "x\x00y"}, {"name": "ok", "slug": "!!!"},
                                      {"name": "x" * 201}])
    async def test_bad_input_is_422_and_saves_nothing(self, client, factory, body):
        a = await factory.tenant()
        r = await client.post("/api/v1/kb/categories", json=body, headers=a.headers)
        assert r.status_code == 422 and r.json()["error"]["code"]
        assert (await client.get("/api/v1/kb/categories", headers=a.headers)).json()["data"] == []


class TestArticles:
    async def test_draft_publish_unpublish(self, client, factory):
        a = await factory.tenant()
        article = await _post(client, a, "/articles", HEAT_PUMPS)
        assert (article["status"], article["slug"], article["revision"]) == ("draft", "heat-pump-service", 1)
        assert article["published_at"] is None
        r = await client.post(f"/api/v1/kb/articles/{article['id']}/publish", headers=a.headers)
        assert r.json()["status"] == "published" and r.json()["published_at"]
        r = await client.patch(f"/api/v1/kb/articles/{article['id']}", json={"status": "draft"}, headers=a.headers)
        assert r.json()["status"] == "draft" and r.json()["published_at"] is None
        published = await _post(client, a, "/articles", {"title": "Payments", "content": "We take cards.",
                                                         "published": True})
        assert published["status"] == "published" and published["body"] == "We take cards."
        listed = (await client.get("/api/v1/kb/articles?status=published", headers=a.headers)).json()["data"]
        assert [x["id"] for x in listed] == [published["id"]]

    async def test_revisions_history_compare_restore(self, client, factory):
        a = await factory.tenant()
        article = await _post(client, a, "/articles", HEAT_PUMPS)
        path = f"/api/v1/kb/articles/{article['id']}"
        await client.patch(path, json={"body": "Version two.", "note": "shorter"}, headers=a.headers)
        r = await client.patch(path, json={"title": "Heat pumps", "body": "Version three."}, headers=a.headers)
        assert r.json()["revision"] == 3 and r.json()["slug"] == "heat-pump-service"   # a title edit keeps the URL
        r = await client.patch(path, json={"status": "published"}, headers=a.headers)
        assert r.json()["revision"] == 3                                                 # publishing is no new text
        history = (await client.get(f"{path}/revisions", headers=a.headers)).json()["data"]
        assert [(h["number"], h["note"]) for h in history] == [(3, None), (2, "shorter"), (1, "Created")]
        diff = (await client.get(f"{path}/revisions/compare?from=1&to=3", headers=a.headers)).json()
        assert diff["title_changed"] and "-Heat pump service" in diff["diff"] and "+Version three." in diff["diff"]
        restored = (await client.post(f"{path}/revisions/1/restore", headers=a.headers)).json()
        assert (restored["revision"], restored["title"], restored["body"]) == (4, HEAT_PUMPS["title"], HEAT_PUMPS["body"])
        assert restored["status"] == "published"
        assert (await client.get(f"{path}/revisions/4", headers=a.headers)).json()["note"] == "Restored revision 1"
        r = await client.post(f"{path}/revisions/9/restore", headers=a.headers)
        assert (r.status_code, r.json()["error"]["code"]) == (404, "REVISION_NOT_FOUND")

    async def test_feedback(self, client, factory):
        a, b = await factory.tenant(), await factory.tenant()
        article = await _post(client, a, "/articles", HEAT_PUMPS)
        path = f"/api/v1/kb/articles/{article['id']}/feedback"
        await _post(client, a, f"/articles/{article['id']}/feedback", {"helpful": True})
        await _post(client, a, f"/articles/{article['id']}/feedback", {"helpful": False, "comment": "  No prices. "})
        rows = (await client.get(path, headers=a.headers)).json()["data"]
        assert sorted((f["helpful"], f["comment"]) for f in rows) == [(False, "No prices."), (True, None)]
        assert (await client.post(path, json={"helpful": True}, headers=b.headers)).status_code == 404
        assert (await client.get(path, headers=b.headers)).status_code == 404

    async def test_deleted_article_leaves_reads_and_search(self, client, factory):
        a = await factory.tenant()
        article = await _post(client, a, "/articles", HEAT_PUMPS | {"status": "published"})
        assert (await client.delete(f"/api/v1/kb/articles/{article['id']}", headers=a.headers)).status_code == 204
        assert (await client.get(f"/api/v1/kb/articles/{article['id']}", headers=a.headers)).status_code == 404
        assert (await client.get("/api/v1/kb/search?q=heat pump", headers=a.headers)).json()["data"] == []
        await _post(client, a, "/articles", HEAT_PUMPS)   # its slug is free again


class TestSearch:
    async def test_published_only_title_weighs_more_and_excerpt_quotes_the_article(self, client, factory):
        a, b = await factory.tenant(), await factory.tenant()
        pumps = await _post(client, a, "/articles", HEAT_PUMPS | {"status": "published"})
        tune = await _post(client, a, "/articles", TUNE_UP | {"status": "published"})
        draft = await _post(client, a, "/articles", {"title": "Furnace recall", "body": "Draft about furnaces."})
        hits = (await client.get("/api/v1/kb/search?q=furnace", headers=a.headers)).json()["data"]
        assert [h["id"] for h in hits] == [tune["id"]]
        with_drafts = (await client.get("/api/v1/kb/search?q=furnace&include_drafts=true", headers=a.headers)).json()
        assert {h["id"] for h in with_drafts["data"]} == {tune["id"], draft["id"]}
        # the title match (weight A) outranks the body-only match (weight B)
        hits = (await client.get("/api/v1/kb/search?q=heat", headers=a.headers)).json()["data"]
        assert [h["id"] for h in hits] == [pumps["id"], tune["id"]]
        hit = (await client.get("/api/v1/kb/search?q=how long is a heat pump check?", headers=a.headers)).json()["data"][0]
        # the two sentences sharing most words with the question, in the article's order, verbatim
        assert hit["excerpt"] == ("We install, repair and maintain heat pumps of every major brand. "
                                  "A heat pump check takes about an hour.")
        assert hit["coverage"] == 0.75   # heat, pump, check of heat, pump, check, long
        assert (await client.get("/api/v1/kb/search?q=heat", headers=b.headers)).json()["data"] == []

    async def test_stemming_follows_the_business_language(self, client, factory, db):
        fr = await factory.tenant()
        async with fr.tx() as conn:
            await conn.execute("update tenants set search_language = 'french' where id = %s", (fr.id,))
        body = {"title": "Paiements acceptés", "body": "Nous acceptons les cartes de crédit et les virements.",
                "status": "published"}
        await _post(client, fr, "/articles", body)
        hits = (await client.get("/api/v1/kb/search?q=acceptez-vous les virements ?", headers=fr.headers)).json()["data"]
        assert len(hits) == 1 and hits[0]["coverage"] == 1.0   # 'acceptez' and 'acceptons' share a French stem
        async with fr.tx() as conn:   # switching language re-indexes existing articles
            await conn.execute("update tenants set search_language = 'simple' where id = %s", (fr.id,))
        hits = (await client.get("/api/v1/kb/search?q=acceptez", headers=fr.headers)).json()["data"]
        assert hits == []

    @pytest.mark.parametrize("query", ["", "x" * 301])
    async def test_bad_query_is_422(self, client, factory, query):
        a = await factory.tenant()
        assert (await client.get(f"/api/v1/kb/search?q={query}", headers=a.headers)).status_code == 422
