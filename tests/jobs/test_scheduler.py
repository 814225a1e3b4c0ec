import asyncio

from domain.db import Database
from domain.messages.models import MessageCreate
from domain.messages.service import queue_message
from tests.messaging import tenant_row


async def test_app_lifespan_runs_the_jobs_when_enabled(database, factory, clock, tmp_path):
    """JOBS_ENABLED: the server process itself sends due messages (recorded, as Twilio is unset)."""
    from fieldbook.app import create_app
    from fieldbook.settings import load_settings
    a = await factory.tenant()
    async with a.tx() as conn:
        m = await queue_message(conn, tenant=await tenant_row(conn), now=clock.now(), data=MessageCreate(
            message_type="custom", to_address="+14165550101", payload={"text": "hi"}))
    settings = load_settings(secret_key="s" * 40, fieldbook_data_dir=tmp_path, jobs_enabled=True,
                             jobs_interval_seconds=0.1)
    own = Database(database.app, database.admin, app_role=database.app_role, max_size=4)
    app = create_app(settings, own, clock)
    status = None
    async with app.router.lifespan_context(app):
        for _ in range(100):
            await asyncio.sleep(0.1)
            async with a.tx() as conn:
                status = (await (await conn.execute("select status from scheduled_messages where id = %s",
                                                    (m.id,))).fetchone())[0]
            if status != "pending":
                break
    assert status == "recorded"
