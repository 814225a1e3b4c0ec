"""The workflow over REST: PATCH names the missing step, POST /cancel is the exact contract, assignment checks."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.db import fetch_dicts, fetch_value
from tests.domain.scheduling.helpers import technician

MONDAY_NINE = datetime(2025, 11, 10, 9, tzinfo=ZoneInfo("America/Toronto")).isoformat()


async def _booked(client, factory):
    a = await factory.tenant()
    async with a.tx() as conn:
        mike = await technician(conn, a.id, "Mike", ["HVAC"])
        raj = await technician(conn, a.id, "Raj", ["Plumbing"])
        ana = await technician(conn, a.id, "Ana", ["HVAC"])
    t = (await client.post("/api/v1/tickets", headers=a.headers, json={
        "customer_phone": "4165550188", "service_category": "HVAC", "description": "No heat"})).json()
    r = await client.post("/api/v1/appointments", headers=a.headers, json={
        "ticket_id": t["id"], "technician_id": str(mike), "start": MONDAY_NINE, "duration_minutes": 60})
    assert r.status_code == 201, r.text
    return a, t, {"mike": mike, "raj": raj, "ana": ana}, r.json()


async def test_cancel_contract(client, factory):
    a, t, _, appointment = await _booked(client, factory)
    url = f"/api/v1/tickets/{t['code']}/cancel"
    for body in ({}, {"reason": ""}, {"reason": "x" * 501}):
        r = await client.post(url, json=body, headers=a.headers)
        assert (r.status_code, r.json()["error"]["code"]) == (422, "VALIDATION_ERROR")
    r = await client.post(url, json={"reason": "Customer moved away"}, headers=a.headers)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["cancellation_reason"]) == ("cancelled", "Customer moved away")
    got = await client.get(f"/api/v1/appointments/{appointment['id']}", headers=a.headers)
    assert got.json()["status"] == "cancelled"
    pending = await client.get("/api/v1/messages", params={"phone": "4165550188", "status": "pending"},
                               headers=a.headers)
    assert pending.json()["data"] == []
    again = await client.post(url, json={"reason": "twice"}, headers=a.headers)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "TICKET_CLOSED")
    assert (await client.post("/api/v1/tickets/TASK-99999/cancel", json={"reason": "x"},
                              headers=a.headers)).status_code == 404


async def test_patch_assignment_checks_skill_and_moves_the_visit(client, factory):
    a, t, techs, appointment = await _booked(client, factory)
    url = f"/api/v1/tickets/{t['id']}"
    r = await client.patch(url, json={"technician_id": str(techs["raj"]), "description": "Cold air"},
                           headers=a.headers)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "TECHNICIAN_NOT_QUALIFIED")
    # all or nothing: the description sent with the refused assignment was not saved either
    assert (await client.get(url, headers=a.headers)).json()["description"] == "No heat"
    r = await client.patch(url, json={"technician_id": str(techs["ana"])}, headers=a.headers)
    assert r.status_code == 200 and r.json()["technician_id"] == str(techs["ana"])
    moved = (await client.get(f"/api/v1/appointments/{appointment['id']}", headers=a.headers)).json()
    assert (moved["technician_id"], moved["start"], moved["status"]) == (str(techs["ana"]), appointment["start"],
                                                                          "booked")
    r = await client.patch(url, json={"technician_id": None}, headers=a.headers)
    assert (r.status_code, r.json()["error"]["step"]) == (409, "cancel_appointment")


async def test_booked_ticket_is_cancelled_not_deleted(client, factory, db):
    a, t, _, _ = await _booked(client, factory)
    r = await client.delete(f"/api/v1/tickets/{t['id']}", headers=a.headers)
    assert (r.status_code, r.json()["error"]["step"]) == (409, "cancel")
    async with a.tx() as conn:
        assert await fetch_value(conn, "select count(*) from appointments where status = 'booked'") == 1
        rows = await fetch_dicts(conn, "select deleted_at from tickets")
    assert rows == [{"deleted_at": None}]
