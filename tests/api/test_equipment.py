"""`/api/v1/contacts/{id}/equipment`: the customer's appliances, with the exact paths of issue 16."""

from __future__ import annotations

import pytest

FURNACE = {"type": "furnace", "make": "Lennox", "model": "ML180", "serial": "5912L04321", "install_year": 2012,
           "location": "basement", "warranty_end": "2027-03-31"}


async def _contact(client, tenant) -> str:
    r = await client.post("/api/v1/contacts", json={"name": "Sarah", "phone": "+14165559876"}, headers=tenant.headers)
    return r.json()["id"]


async def test_create_list_change_delete(client, factory):
    a = await factory.tenant()
    contact = await _contact(client, a)
    base = f"/api/v1/contacts/{contact}/equipment"
    created = await client.post(base, json=FURNACE, headers=a.headers)
    assert created.status_code == 201
    item = created.json()
    assert {k: item[k] for k in FURNACE} == FURNACE and item["contact_id"] == contact
    assert [e["id"] for e in (await client.get(base, headers=a.headers)).json()["data"]] == [item["id"]]

    changed = await client.patch(f"{base}/{item['id']}", json={"location": "utility room", "serial": None},
                                 headers=a.headers)
    assert changed.status_code == 200
    assert changed.json()["location"] == "utility room" and changed.json()["serial"] is None
    assert changed.json()["make"] == "Lennox"   # untouched

    assert (await client.delete(f"{base}/{item['id']}", headers=a.headers)).status_code == 204
    assert (await client.get(base, headers=a.headers)).json()["data"] == []
    assert (await client.delete(f"{base}/{item['id']}", headers=a.headers)).status_code == 404


@pytest.mark.parametrize("body", [
    {}, {"type": ""}, {"type": "furnace", "install_year": 1800}, {"type": "furnace", "warranty_end": "soon"},
    {"type": "furnace", "install_year": "2010"}, {"type": "furnace", "warranty_end": 0},
    {"type": "furnace\x00"}, {"type": "x" * 81},
])
async def test_bad_bodies_are_422_and_save_nothing(client, factory, body):
    a = await factory.tenant()
    base = f"/api/v1/contacts/{await _contact(client, a)}/equipment"
    r = await client.post(base, json=body, headers=a.headers)
    # NUL is refused by the shared text guard (INVALID_TEXT) before the model sees it
    assert r.status_code == 422 and r.json()["error"]["code"] in ("VALIDATION_ERROR", "INVALID_TEXT")
    assert (await client.get(base, headers=a.headers)).json()["data"] == []


async def test_type_cannot_be_cleared(client, factory):
    a = await factory.tenant()
    base = f"/api/v1/contacts/{await _contact(client, a)}/equipment"
    item = (await client.post(base, json=FURNACE, headers=a.headers)).json()
    r = await client.patch(f"{base}/{item['id']}", json={"type": None}, headers=a.headers)
    assert r.status_code == 422


async def test_other_tenant_sees_nothing_and_changes_nothing(client, factory):
    a, b = await factory.tenant(), await factory.tenant()
    contact = await _contact(client, a)
    item = (await client.post(f"/api/v1/contacts/{contact}/equipment", json=FURNACE, headers=a.headers)).json()
    base = f"/api/v1/contacts/{contact}/equipment"
    assert (await client.get(base, headers=b.headers)).status_code == 404
    assert (await client.post(base, json=FURNACE, headers=b.headers)).status_code == 404
    assert (await client.patch(f"{base}/{item['id']}", json={"make": "Carrier"}, headers=b.headers)).status_code == 404
    assert (await client.delete(f"{base}/{item['id']}", headers=b.headers)).status_code == 404
    assert (await client.get(base, headers=a.headers)).json()["data"][0]["make"] == "Lennox"


async def test_unknown_contact_is_404(client, factory):
    a = await factory.tenant()
    r = await client.get("/api/v1/contacts/00000000-0000-0000-0000-000000000001/equipment", headers=a.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
