async def test_create_and_lookup(client, factory):
    a = await factory.tenant()
    r = await client.post("/api/v1/contacts", json={"name": "Sarah", "phone": "416-555-9876"}, headers=a.headers)
    assert r.status_code == 201, r.text
    assert r.json()["phone"] == "+14165559876"
    r = await client.get("/api/v1/contacts", params={"phone": "(416) 555 9876"}, headers=a.headers)
    assert [c["name"] for c in r.json()["data"]] == ["Sarah"]
