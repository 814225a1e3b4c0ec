"""Through the REST API: a booking queues one confirmation and one reminder; reschedule moves it; cancel cancels it."""

from datetime import datetime, timedelta

from tests.domain.scheduling.helpers import local, technician, ticket

MONDAY_NINE = local(2025, 11, 10, 9)
PHONE = "+14165550101"


def at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def appointment_messages(client, a, appointment_id: str) -> dict[str, dict]:
    r = await client.get("/api/v1/messages", headers=a.headers, params={"phone": "(416) 555-0101"})
    assert r.status_code == 200, r.text
    mine = [m for m in r.json()["data"] if m["appointment_id"] == appointment_id]
    assert len(mine) == len({m["message_type"] for m in mine})   # exactly one of each type
    return {m["message_type"]: m for m in mine}


async def test_book_reschedule_cancel_drive_the_messages(client, factory):
    a = await factory.tenant()
    async with a.tx() as conn:
        mike = await technician(conn, a.id, "Mike Chen", ["HVAC"])
        t = await ticket(conn, a.id, phone=PHONE)
    booked = await client.post("/api/v1/appointments", headers=a.headers, json={
        "ticket_id": str(t), "technician_id": str(mike), "start": MONDAY_NINE.isoformat(), "duration_minutes": 120})
    assert booked.status_code == 201, booked.text
    appointment_id = booked.json()["id"]

    queued = await appointment_messages(client, a, appointment_id)
    assert sorted(queued) == ["appointment_confirmation", "appointment_reminder"]
    assert queued["appointment_confirmation"]["to_address"] == PHONE
    reminder = queued["appointment_reminder"]
    assert (at(reminder["scheduled_for"]), at(reminder["expires_at"])) == (MONDAY_NINE - timedelta(hours=24), MONDAY_NINE)

    later = MONDAY_NINE + timedelta(days=1)
    moved = await client.post(f"/api/v1/appointments/{appointment_id}/reschedule", headers=a.headers,
                              json={"start": later.isoformat()})
    assert moved.status_code == 200, moved.text
    reminder = (await appointment_messages(client, a, appointment_id))["appointment_reminder"]
    assert (at(reminder["scheduled_for"]), at(reminder["expires_at"]), reminder["status"]) == (
        later - timedelta(hours=24), later, "pending")

    cancelled = await client.post(f"/api/v1/appointments/{appointment_id}/cancel", headers=a.headers)
    assert cancelled.status_code == 200, cancelled.text
    after = await appointment_messages(client, a, appointment_id)
    assert {m["status"] for m in after.values()} == {"cancelled"}
    ticket_now = await client.get(f"/api/v1/tickets/{t}", headers=a.headers)
    assert ticket_now.json()["status"] == "open" and ticket_now.json()["technician_id"] is None


async def test_slot_taken_over_the_api_queues_nothing_for_the_loser(client, factory):
    a = await factory.tenant()
    async with a.tx() as conn:
        mike = await technician(conn, a.id, "Mike Chen", ["HVAC"])
        first = await ticket(conn, a.id, phone="+14165550199")
        second = await ticket(conn, a.id, phone=PHONE)
    body = {"technician_id": str(mike), "start": MONDAY_NINE.isoformat(), "duration_minutes": 120}
    assert (await client.post("/api/v1/appointments", headers=a.headers,
                              json=body | {"ticket_id": str(first)})).status_code == 201
    taken = await client.post("/api/v1/appointments", headers=a.headers, json=body | {"ticket_id": str(second)})
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "SLOT_TAKEN"
    r = await client.get("/api/v1/messages", headers=a.headers, params={"phone": PHONE})
    assert r.json()["data"] == []
