import pytest


async def test_duplicate_phone_is_409_in_any_format(client, factory):
    a, b = await factory.tenant(), await factory.tenant()
    assert (await client.post("/api/v1/contacts", json={"phone": "416-555-0100"}, headers=a.headers)).status_code == 201
    r = await client.post("/api/v1/contacts", json={"name": "Again", "phone": "+1 (416) 555 0100"}, headers=a.headers)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "DUPLICATE_PHONE" and "+1" not in r.json()["error"]["message"]
    # another business may have a customer with the same number
    assert (await client.post("/api/v1/contacts", json={"phone": "4165550100"}, headers=b.headers)).status_code == 201
    assert len((await client.get("/api/v1/contacts", headers=a.headers)).json()["data"]) == 1


@pytest.mark.parametrize("body, code", [
    ({"name": "x", "phone": "555"}, "INVALID_PHONE"),
    ({"name": "x", "phone": "not a phone"}, "INVALID_PHONE"),
    ({"name": "x", "email": "nope"}, "VALIDATION_ERROR"),
    ({"name": ""}, "VALIDATION_ERROR"),
    ({}, "EMPTY_CONTACT"),
    ({"name": "x", "source": "pigeon"}, "VALIDATION_ERROR"),
])
async def test_bad_input_is_422_with_a_code(client, factory, body, code):
    a = await factory.tenant()
    r = await client.post("/api/v1/contacts", json=body, headers=a.headers)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == code and r.json()["error"]["message"]
    assert (await client.get("/api/v1/contacts", headers=a.headers)).json()["data"] == []


@pytest.mark.parametrize("path, code", [
    ("/api/v1/contacts/not-a-uuid", "VALIDATION_ERROR"),
    ("/api/v1/contacts?limit=0", "INVALID_LIMIT"),
    ("/api/v1/contacts?cursor=%%%", "INVALID_CURSOR"),
    ("/api/v1/tickets?status=done", "VALIDATION_ERROR"),
    ("/api/v1/tickets?phone=12", "INVALID_PHONE"),
])
async def test_bad_queries_are_422(client, factory, path, code):
    a = await factory.tenant()
    r = await client.get(path, headers=a.headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == code


async def test_pagination_returns_each_contact_once(client, factory):
    a = await factory.tenant()
    async with a.tx() as conn:   # separate statements, so created_at ties are broken by id
        for i in range(65):
            await conn.execute("insert into contacts (tenant_id, name, phone) values (%s, %s, %s)",
                               (a.id, f"Customer {i}", f"+1416555{i:04d}"))
    seen, cursor, pages = [], None, 0
    while True:
        r = await client.get("/api/v1/contacts", params={"limit": 7, **({"cursor": cursor} if cursor else {})},
                             headers=a.headers)
        assert r.status_code == 200
        seen += [c["id"] for c in r.json()["data"]]
        pages += 1
        if not (cursor := r.json()["next_cursor"]):
            break
    assert len(seen) == 65 == len(set(seen)) and pages == 10


async def test_addresses_and_attributes(client, factory):
    a = await factory.tenant()
    c = (await client.post("/api/v1/contacts", json={"name": "Sarah"}, headers=a.headers)).json()
    base = f"/api/v1/contacts/{c['id']}"
    r = await client.post(f"{base}/addresses", json={"line1": "456 Oak Avenue", "city": "Toronto"}, headers=a.headers)
    assert r.status_code == 201 and r.json()["is_primary"] is True
    address_id = r.json()["id"]
    assert (await client.post(f"{base}/addresses", json={"line1": ""}, headers=a.headers)).status_code == 422
    assert [x["line1"] for x in (await client.get(f"{base}/addresses", headers=a.headers)).json()["data"]] == ["456 Oak Avenue"]
    assert (await client.delete(f"{base}/addresses/{address_id}", headers=a.headers)).status_code == 204
    assert (await client.delete(f"{base}/addresses/{address_id}", headers=a.headers)).status_code == 404
    assert (await client.get(f"{base}/addresses", headers=a.headers)).json()["data"] == []

    assert (await client.put(f"{base}/attributes", json={"key": "gate_code", "value": "4411"}, headers=a.headers)).status_code == 200
    r = await client.put(f"{base}/attributes", json={"key": "gate_code", "value": "9999"}, headers=a.headers)
    assert r.json()["value"] == "9999"
    r = await client.put(f"{base}/attributes", json={"key": "Bad Key", "value": 1}, headers=a.headers)
    assert r.status_code == 422
    assert [(x["key"], x["value"]) for x in (await client.get(f"{base}/attributes", headers=a.headers)).json()["data"]] == [
        ("gate_code", "9999")]
    assert (await client.delete(f"{base}/attributes/gate_code", headers=a.headers)).status_code == 204
    assert (await client.delete(f"{base}/attributes/gate_code", headers=a.headers)).status_code == 404
