"""A registered URL whose host no resolver can take is a failed attempt, recorded, not a crash of the job."""

from __future__ import annotations

import uuid

import httpx

from domain.webhooks.models import WebhookRequest
from jobs.webhooks import _post


async def test_a_host_idna_cannot_encode_is_an_undeliverable_address():
    # the API's URL pattern allows it (any label); IDNA refuses labels over 63 characters
    request = WebhookRequest(delivery_id=uuid.uuid4(), tenant_id=uuid.uuid4(),
                             url=f"https://{'a' * 64}.example.test/hook", body=b"{}", headers={})
    async with httpx.AsyncClient() as http:
        status, error = await _post(http, request, timeout=2, allow_private=False)
    assert status is None and error == "DNS: UnicodeError"
