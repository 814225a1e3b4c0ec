"""The world the contract fuzzer runs in: the demo business served for real, with one row of each kind.

A fuzzer that only draws random ids meets nothing but 404s; this world gives every path parameter
(`contact_id`, `ref`, `article_id` ...) real values to draw from, created through the API itself, so
the fuzzer exercises the routes' bodies against rows that exist, under the demo API key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

import fieldbook.demo
from domain.clock import Clock
from domain.db import Database
from fieldbook.app import create_app
from fieldbook.runtime import DatabaseUrls
from fieldbook.settings import load_settings
from tests.live import free_port, serving

API_HEADERS = {"Authorization": f"Bearer {fieldbook.demo.API_KEY}"}


@dataclass
class FuzzWorld:
    base_url: str
    ids: dict[str, list[str]] = field(default_factory=dict)   # path parameter name -> values that exist

    def add(self, name: str, value: object) -> None:
        self.ids.setdefault(name, []).append(str(value))


async def _seed_demo(urls: DatabaseUrls) -> None:
    db = Database(urls.app, urls.admin, app_role=urls.app_role, min_size=1, max_size=2)
    await db.open()
    try:
        await fieldbook.demo.seed_demo(db, allowed_origins=["http://127.0.0.1"])
    finally:
        await db.close()


def _made(response: httpx.Response) -> dict:
    assert response.status_code in (200, 201), (response.request.url, response.status_code, response.text)
    return response.json()


def _furnish(http: httpx.Client, world: FuzzWorld) -> None:
    """One of each resource a path names, made through the API."""
    get = lambda path: _made(http.get(path))   # noqa: E731
    post = lambda path, body: _made(http.post(path, json=body))   # noqa: E731
    sarah = get("/api/v1/contacts?phone=%2B14165559876")["data"][0]
    other = post("/api/v1/contacts", {"name": "Fuzz Contact", "phone": "+14165550142"})
    for contact in (sarah, other):
        world.add("contact_id", contact["id"])
        world.add("entity_id", contact["id"])
    world.add("address_id", post(f"/api/v1/contacts/{sarah['id']}/addresses", {"line1": "1 Fuzz Street"})["id"])
    _made(http.put(f"/api/v1/contacts/{sarah['id']}/attributes", json={"key": "dog_name", "value": "Biscuit"}))
    world.add("key", "dog_name")
    world.add("equipment_id", post(f"/api/v1/contacts/{sarah['id']}/equipment", {"type": "furnace"})["id"])
    ticket = post("/api/v1/tickets", {"customer_phone": "+14165559876", "service_category": "HVAC"})
    booked = post("/api/v1/tickets", {"customer_phone": "+14165550142", "service_category": "Plumbing"})
    for t in (ticket, booked):
        world.add("ref", t["code"])
        world.add("ref", t["id"])
        world.add("ticket_id", t["id"])
    world.add("note_id", post(f"/api/v1/tickets/{ticket['id']}/notes", {"content": "Gate code 4411"})["id"])
    option = post(f"/api/v1/tickets/{booked['id']}/appointment-options", {})["options"][0]
    appointment = post("/api/v1/appointments", {"ticket_id": booked["id"], "technician_id": option["technician_id"],
                                                 "start": option["start"], "duration_minutes": 60})
    world.add("appointment_id", appointment["id"])
    for technician in get("/api/v1/technicians")["data"]:
        world.add("technician_id", technician["id"])
    for service in get("/api/v1/services")["data"]:
        world.add("service_id", service["id"])
    world.add("endpoint_id", post("/api/v1/webhooks", {"url": "https://hooks.example.test/fuzz"})["id"])
    category = post("/api/v1/kb/categories", {"name": "Heating"})
    section = post("/api/v1/kb/sections", {"name": "Furnaces", "category_id": category["id"]})
    article = post("/api/v1/kb/articles", {"title": "Furnace filters", "body": "Change them every 3 months.",
                                           "section_id": section["id"], "status": "published"})
    world.add("category_id", category["id"])
    world.add("section_id", section["id"])
    world.add("article_id", article["id"])
    world.add("number", 1)
    for urgency in ("emergency", "urgent", "normal", "scheduled"):
        world.add("urgency", urgency)
    chat = _made(http.post("/api/v1/ai-agent/chat", headers={"X-Widget-Key": fieldbook.demo.WIDGET_KEY},
                           json={"conversation_id": None, "message": "My furnace is making a noise"}))
    world.add("conversation_id", chat["conversation_id"])


@contextmanager
def fuzz_world(urls: DatabaseUrls, data_dir: Path, clock: Clock) -> Iterator[FuzzWorld]:
    """The demo business on a real server over `urls`, furnished, until the block ends."""
    asyncio.run(_seed_demo(urls))
    settings = load_settings(secret_key="fuzz-secret-" + "x" * 40, fieldbook_data_dir=data_dir,
                             public_base_url="http://127.0.0.1", jobs_enabled=False)
    db = Database(urls.app, urls.admin, app_role=urls.app_role, min_size=1, max_size=8)
    with serving(create_app(settings, db, clock), free_port()) as base_url:
        world = FuzzWorld(base_url=base_url)
        with httpx.Client(base_url=base_url, headers=API_HEADERS, timeout=30) as http:
            _furnish(http, world)
        yield world
