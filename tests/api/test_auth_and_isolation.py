"""API keys, and one tenant's key never reaching another tenant's records."""

import pytest


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"},
                                     {"Authorization": "Bearer "}])
@pytest.mark.parametrize("path", ["/api/v1/contacts", "/api/v1/tickets", "/api/v1/services", "/api/v1/technicians",
                                  "/api/v1/datalabels/service_category"])
async def test_401_without_a_valid_key(client, factory, headers, path):
    await factory.tenant()
    r = await client.get(path, headers=headers)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "UNAUTHORIZED" and r.json()["error"]["message"]


async def test_revoked_key_is_refused(client, factory):
    from domain.apikeys.service import revoke_api_key
    a = await factory.tenant()
    assert (await client.get("/api/v1/contacts", headers=a.headers)).status_code == 200
    async with a.tx() as conn:
        key_id = (await (await conn.execute("select id from api_keys")).fetchone())[0]
        assert await revoke_api_key(conn, key_id=key_id)
    assert (await client.get("/api/v1/contacts", headers=a.headers)).status_code == 401


async def test_tenant_a_never_sees_tenant_b(client, factory):
    a, b = await factory.tenant(), await factory.tenant()
    contact = (await client.post("/api/v1/contacts", json={"name": "B's", "phone": "4165550100"}, headers=b.headers)).json()
    ticket = (await client.post("/api/v1/tickets", headers=b.headers, json={
        "customer_phone": "4165550100", "service_category": "HVAC", "description": "x", "urgency_level": "normal"})).json()
    note = (await client.post(f"/api/v1/tickets/{ticket['id']}/notes", json={"content": "secret"}, headers=b.headers)).json()
    c, t = f"/api/v1/contacts/{contact['id']}", f"/api/v1/tickets/{ticket['id']}"
    attempts = [
        ("GET", c, None), ("PATCH", c, {"name": "mine"}), ("DELETE", c, None),
        ("GET", f"{c}/addresses", None), ("POST", f"{c}/addresses", {"line1": "1 Elm"}),
        ("GET", f"{c}/attributes", None), ("PUT", f"{c}/attributes", {"key": "k", "value": 1}),
        ("GET", f"{c}/notes", None),
        ("GET", t, None), ("GET", f"/api/v1/tickets/{ticket['code']}", None), ("PATCH", t, {"title": "mine"}),
        ("DELETE", t, None), ("GET", f"{t}/notes", None), ("POST", f"{t}/notes", {"content": "hi"}),
        ("GET", f"/api/v1/notes/{note['id']}", None), ("DELETE", f"/api/v1/notes/{note['id']}", None),
    ]
    for method, path, body in attempts:
        r = await client.request(method, path, json=body, headers=a.headers)
        assert r.status_code == 404, (method, path, r.status_code)
        assert r.json()["error"]["code"] == "NOT_FOUND"
    lists = [("/api/v1/contacts", {}), ("/api/v1/contacts", {"phone": "4165550100"}),
             ("/api/v1/contacts", {"q": "B's"}), ("/api/v1/tickets", {}), ("/api/v1/tickets", {"phone": "4165550100"})]
    for path, params in lists:
        assert (await client.get(path, params=params, headers=a.headers)).json()["data"] == []
    r = await client.get(f"/api/v1/audit/contact/{contact['id']}", headers=a.headers)
    assert r.json()["data"] == []
    # and B still has everything, unchanged
    assert (await client.get(c, headers=b.headers)).json()["name"] == "B's"
    assert (await client.get(t, headers=b.headers)).json()["title"] is None
    # B's contact cannot be linked to A's ticket either
    own = (await client.post("/api/v1/tickets", headers=a.headers, json={
        "customer_phone": "4165550101", "service_category": "HVAC"})).json()
    r = await client.patch(f"/api/v1/tickets/{own['id']}", json={"contact_id": contact["id"]}, headers=a.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "UNKNOWN_CONTACT"
