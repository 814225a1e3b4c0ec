"""Rules every route shares: the text guard (no NUL, UTF-8 bodies) and `Allow` on 405 listing every method."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("method, path, kwargs", [
    ("GET", "/api/v1/contacts?q=a%00b", {}),
    ("GET", "/api/v1/tickets/TASK%0000001", {}),
    ("POST", "/api/v1/contacts", {"json": {"name": "x", "notes": "a\x00b"}}),
    ("POST", "/api/v1/contacts", {"json": {"name": "x", "a\x00": 1}}),            # even in a member's name
    ("POST", "/api/v1/contacts", {"content": b'{"name": "\\ud800"}', "headers": {"content-type": "application/json"}}),
    ("POST", "/api/v1/contacts", {"content": b'{"name": "\xff"}', "headers": {"content-type": "application/json"}}),
])
async def test_text_postgresql_cannot_store_is_a_422_with_a_code(client, factory, method, path, kwargs):
    a = await factory.tenant()
    headers = {**a.headers, **kwargs.pop("headers", {})}
    r = await client.request(method, path, headers=headers, **kwargs)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "INVALID_TEXT")
    assert (await client.get("/api/v1/contacts", headers=a.headers)).json()["data"] == []


async def test_the_document_states_the_text_rule(client):
    document = (await client.get("/openapi.json")).json()
    notes = document["components"]["schemas"]["ContactCreate"]["properties"]["notes"]["anyOf"][0]
    assert notes["pattern"] == r"^[^\x00]*$"
    operation = document["paths"]["/api/v1/contacts"]["post"]
    assert "INVALID_TEXT" in operation["responses"]["422"]["x-error-codes"]


async def test_a_405_lists_every_method_of_the_path(client, factory):
    a = await factory.tenant()
    r = await client.put("/api/v1/contacts", headers=a.headers)
    assert r.status_code == 405 and set(r.headers["allow"].split(", ")) >= {"GET", "POST"}
    contact = (await client.post("/api/v1/contacts", json={"name": "Ann"}, headers=a.headers)).json()
    r = await client.post(f"/api/v1/contacts/{contact['id']}", headers=a.headers)
    assert r.status_code == 405 and set(r.headers["allow"].split(", ")) >= {"GET", "PATCH", "DELETE"}
