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


# 422: the body breaks a rule the document states; 409: well-formed, but "555" is no number in service
@pytest.mark.parametrize("body, status, code", [
    ({"name": "x", "phone": "555"}, 409, "INVALID_PHONE"),
    ({"name": "x", "phone": "not a phone"}, 422, "VALIDATION_ERROR"),
    ({"name": "x", "email": "nope"}, 422, "VALIDATION_ERROR"),
    ({"name": ""}, 422, "VALIDATION_ERROR"),
    ({}, 422, "EMPTY_CONTACT"),
    ({"name": "x", "source": "pigeon"}, 422, "VALIDATION_ERROR"),
    ({"name": "x", "notes": "a\u0000b"}, 422, "INVALID_TEXT"),
])
async def test_bad_input_is_refused_with_a_code(client, factory, body, status, code):
    a = await factory.tenant()
    r = await client.post("/api/v1/contacts", json=body, headers=a.headers)
    assert r.status_code == status
    assert r.json()["error"]["code"] == code and r.json()["error"]["message"]
    assert (await client.get("/api/v1/contacts", headers=a.headers)).json()["data"] == []


# each of these breaks a rule the OpenAPI document states (uuid, 1..200, the cursor's pattern, an enum, length)
@pytest.mark.parametrize("path, code", [
    ("/api/v1/contacts/not-a-uuid", "VALIDATION_ERROR"),
    ("/api/v1/contacts?limit=0", "VALIDATION_ERROR"),
    ("/api/v1/contacts?limit=99999999999999999999", "VALIDATION_ERROR"),
    ("/api/v1/contacts?cursor=%%%", "VALIDATION_ERROR"),
    ("/api/v1/tickets?status=done", "VALIDATION_ERROR"),
    ("/api/v1/tickets?phone=12", "VALIDATION_ERROR"),
    ("/api/v1/contacts?q=a%00b", "INVALID_TEXT"),
])
async def test_bad_queries_are_422(client, factory, path, code):
    a = await factory.tenant()
    r = await client.get(path, headers=a.headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == code


@pytest.mark.parametrize("path", ["/api/v1/contacts?phone=000-000-0000", "/api/v1/tickets?phone=000-000-0000",
                                  "/api/v1/messages?phone=000-000-0000", "/api/v1/conversations?phone=000-000-0000"])
async def test_well_formed_filters_that_match_nothing_give_an_empty_page(client, factory, path):
    """A phone filter that is no number in service is a question with no answer, not a bad request."""
    a = await factory.tenant()
    await client.post("/api/v1/contacts", json={"name": "Ann", "phone": "+14165550123"}, headers=a.headers)
    r = await client.get(path, headers=a.headers)
    assert r.status_code == 200 and r.json()["data"] == [], r.text


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


@pytest.mark.parametrize("cursor", ["0." + "0" * 32, "9" * 16 + "." + "f" * 32])
async def test_every_cursor_the_document_allows_is_a_position(client, factory, cursor):
    a = await factory.tenant()
    r = await client.get("/api/v1/contacts", params={"cursor": cursor}, headers=a.headers)
    assert r.status_code == 200 and "data" in r.json()
