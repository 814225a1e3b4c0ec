"""Photos on a job: checked by what they are, stored without their metadata, served only to staff who may
see the job; a file that is not a photo stores nothing."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from domain.db import fetch_dicts, tenant_tx
from tests.staff.helpers import seed, signed_in

MIKE, LISA, JAMIE = "mike@demo.fieldbook.test", "lisa@demo.fieldbook.test", "jamie@demo.fieldbook.test"


def photo(size=(1200, 800), fmt="JPEG", gps: bool = True) -> bytes:
    """A phone-like photo; with `gps`, EXIF that places it at the customer's house."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (43.0, 39.0, 0.0), 3: "W", 4: (79.0, 23.0, 0.0)}
        exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, format=fmt, exif=exif.tobytes())
    else:
        image.save(out, format=fmt)
    return out.getvalue()


async def _upload(client, demo, csrf, data: bytes, name="IMG_0042.JPG", kind="before"):
    return await client.post(f"/staff/tickets/{demo.ticket_id}/photos", data={"csrf_token": csrf, "kind": kind},
                             files={"photo": (name, data, "image/jpeg")})


async def _rows(db, demo):
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        return await fetch_dicts(conn, "select * from attachments where deleted_at is null")


async def test_photo_is_stored_without_metadata_and_served_with_its_thumbnail(db, client, clock, settings):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    uploaded = await _upload(client, demo, csrf, photo())
    assert uploaded.status_code == 303
    [row] = await _rows(db, demo)
    assert row["kind"] == "before" and row["filename"] == "IMG_0042.jpg" and row["content_type"] == "image/jpeg"
    stored = settings.fieldbook_data_dir / "files" / row["storage_key"]
    assert stored.is_file() and str(demo.tenant_id) in row["storage_key"]
    assert not Image.open(stored).getexif()                              # no GPS, no maker
    base = f"/staff/tickets/{demo.ticket_id}/photos/{row['id']}"
    full = await client.get(base)
    assert full.status_code == 200 and full.headers["content-type"] == "image/jpeg"
    assert full.headers["x-content-type-options"] == "nosniff" and "no-store" in full.headers["cache-control"]
    thumb = await client.get(f"{base}/thumbnail")
    assert max(Image.open(io.BytesIO(thumb.content)).size) == 320
    page = await client.get(f"/staff/tickets/{demo.ticket_id}")
    assert f"{base}/thumbnail" in page.text


async def test_only_staff_who_see_the_job_see_its_photos(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    await _upload(client, demo, csrf, photo())
    [row] = await _rows(db, demo)
    path = f"/staff/tickets/{demo.ticket_id}/photos/{row['id']}"
    client.cookies.clear()
    assert (await client.get(path, follow_redirects=False)).status_code == 303     # to the login form
    await signed_in(client, db, tenant_id=demo.tenant_id, email=LISA, now=clock.now())
    assert (await client.get(path)).status_code == 404
    assert (await client.get(f"{path}/thumbnail")).status_code == 404
    client.cookies.clear()
    await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    assert (await client.get(path)).status_code == 200


@pytest.mark.parametrize("data, code", [
    (b"GIF89a not really", "UNSUPPORTED_FILE_TYPE"),
    (b"%PDF-1.4 an invoice", "UNSUPPORTED_FILE_TYPE"),
    (b"", "EMPTY_FILE"),
    (photo(size=(8000, 6000), gps=False), "FILE_TOO_LARGE"),           # 48 megapixels
])
async def test_what_is_not_a_photo_stores_nothing(db, client, clock, settings, data, code):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    refused = await _upload(client, demo, csrf, data)
    assert refused.status_code == 422 and code in refused.text
    assert await _rows(db, demo) == []
    files = settings.fieldbook_data_dir / "files"
    assert not files.exists() or not any(p.is_file() for p in files.rglob("*"))


async def test_removed_photo_is_gone(db, client, clock, settings):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    await _upload(client, demo, csrf, photo(fmt="PNG"), name="label.png", kind="label")
    [row] = await _rows(db, demo)
    assert row["content_type"] == "image/png"
    removed = await client.post(f"/staff/tickets/{demo.ticket_id}/photos/{row['id']}/delete", data={"csrf_token": csrf})
    assert removed.status_code == 303 and await _rows(db, demo) == []
    assert not (settings.fieldbook_data_dir / "files" / row["storage_key"]).exists()
    assert (await client.get(f"/staff/tickets/{demo.ticket_id}/photos/{row['id']}")).status_code == 404


async def test_notes_during_the_job(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    added = await client.post(f"/staff/tickets/{demo.ticket_id}/notes",
                              data={"csrf_token": csrf, "content": "Heat exchanger looks cracked, showed the customer."})
    assert added.status_code == 303
    page = (await client.get(f"/staff/tickets/{demo.ticket_id}")).text
    assert "Heat exchanger looks cracked" in page
    assert (await client.post(f"/staff/tickets/{demo.ticket_id}/notes",
                              data={"csrf_token": csrf, "content": " "})).status_code == 422
