"""Runs one pass of the webhook delivery job in its own process (killed with SIGKILL by a test)."""

import asyncio
import sys

import httpx

from domain.clock import Clock
from domain.db import Database
from jobs.webhooks import WebhookConfig, deliver_webhooks


async def main(admin_url: str, app_url: str, app_role: str, key: str) -> None:
    db = Database(app_url, admin_url, app_role=app_role or None, max_size=2)
    await db.open()
    async with httpx.AsyncClient() as http:
        await deliver_webhooks(db, clock=Clock(), http=http,
                               config=WebhookConfig(signing_key=key.encode(), lease_seconds=2, backoff_seconds=0,
                                                    allow_private=True))
    await db.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
