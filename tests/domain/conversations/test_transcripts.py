"""Staff's reading of conversations: a contact's list, a transcript in order, other tenants see nothing."""

from __future__ import annotations

import pytest

from domain.contacts.models import ContactCreate
from domain.contacts.service import create_contact
from domain.conversations.transcripts import contact_conversations, get_transcript
from domain.errors import NotFound


async def _conversation(conn, tenant_id, contact_id, lines):
    cur = await conn.execute("insert into conversations (tenant_id, channel, contact_id) values (%s, 'sms', %s) "
                             "returning id", (tenant_id, contact_id))
    (conversation_id,) = await cur.fetchone()
    for role, content in lines:
        await conn.execute("insert into conversation_messages (tenant_id, conversation_id, role, content) "
                           "values (%s, %s, %s, %s)", (tenant_id, conversation_id, role, content))
    return conversation_id


async def test_contact_conversations_and_transcript(factory):
    a, b = await factory.tenant(), await factory.tenant()
    async with a.tx() as conn:
        sarah = await create_contact(conn, tenant_id=a.id, region="CA", data=ContactCreate(name="Sarah"))
        older = await _conversation(conn, a.id, sarah.id, [])
        await conn.execute("update conversations set last_message_at = now() - interval '1 day' where id = %s",
                           (older,))
        newer = await _conversation(conn, a.id, sarah.id, [("customer", "No heat"), ("agent", "Which address?")])
        listed = await contact_conversations(conn, contact_id=sarah.id)
        transcript = await get_transcript(conn, conversation_id=newer)
    assert [c.id for c in listed] == [newer, older]
    assert [(line.role, line.content) for line in transcript.lines] == [("customer", "No heat"), ("agent", "Which address?")]
    async with b.tx() as conn:
        assert await contact_conversations(conn, contact_id=sarah.id) == []
        with pytest.raises(NotFound):
            await get_transcript(conn, conversation_id=newer)
