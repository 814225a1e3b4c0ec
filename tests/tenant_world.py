"""One row in every tenant table, inserted through the serving role: the fixture of the isolation tests.

Each recipe is an INSERT ... RETURNING the value other rows reference (an id, or a key). Parameters:
%(t)s the tenant, %(u)s a fresh lowercase token, %(n)s a fresh number, %(<table>)s the referenced row.
"""

from __future__ import annotations

import itertools
import random
import re
import string
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection

RECIPES: dict[str, str] = {
    "tenants": """insert into tenants (name, slug, timezone, widget_public_key)
                  values ('X', %(u)s, 'UTC', %(u)s) returning id""",
    "staff_users": """insert into staff_users (tenant_id, email, name, role)
                      values (%(t)s, %(u)s || '@example.test', 'Staff', 'technician') returning id""",
    "api_keys": """insert into api_keys (tenant_id, name, prefix, key_hash)
                   values (%(t)s, 'key', 'fb_', %(u)s) returning id""",
    "service_categories": """insert into service_categories (tenant_id, key, name)
                             values (%(t)s, 'C' || %(u)s, 'Category') returning key""",
    "urgency_levels": """insert into urgency_levels (tenant_id, key, name, window_start_hours)
                         values (%(t)s, %(u)s, 'Urgency', 0) returning key""",
    "services": """insert into services (tenant_id, name, category, pricing_type, price)
                   values (%(t)s, 'Service', %(service_categories)s, 'fixed', 10) returning id""",
    "contacts": """insert into contacts (tenant_id, name) values (%(t)s, 'Contact ' || %(u)s) returning id""",
    "addresses": """insert into addresses (tenant_id, contact_id, line1)
                    values (%(t)s, %(contacts)s, '1 Main St') returning id""",
    "technicians": """insert into technicians (tenant_id, staff_user_id, name)
                      values (%(t)s, %(staff_users)s, 'Tech') returning id""",
    "working_hours": """insert into working_hours (tenant_id, technician_id, weekday, starts, ends)
                        values (%(t)s, %(technicians)s, 1, '09:00', '17:00') returning id""",
    "time_off": """insert into time_off (tenant_id, technician_id, during)
                   values (%(t)s, %(technicians)s, tstzrange(now(), now() + interval '1 hour')) returning id""",
    "business_closures": """insert into business_closures (tenant_id, day, reason)
                            values (%(t)s, current_date + %(n)s, 'Holiday') returning id""",
    "conversations": """insert into conversations (tenant_id, channel, contact_id, assigned_to)
                        values (%(t)s, 'web', %(contacts)s, %(staff_users)s) returning id""",
    "conversation_messages": """insert into conversation_messages (tenant_id, conversation_id, role, content,
                                                                   private, author_id)
                                values (%(t)s, %(conversations)s, 'staff', 'hello', true, %(staff_users)s)
                                returning id""",
    "tickets": """insert into tickets (tenant_id, contact_id, customer_phone, category, urgency, address_id,
                                       technician_id, conversation_id)
                  values (%(t)s, %(contacts)s, '+14165550000', %(service_categories)s, %(urgency_levels)s,
                          %(addresses)s, %(technicians)s, %(conversations)s) returning id""",
    "ticket_counters": """insert into ticket_counters (tenant_id, last_value) values (%(t)s, 1)
                          on conflict (tenant_id) do update set last_value = ticket_counters.last_value
                          returning tenant_id""",
    "appointments": """insert into appointments (tenant_id, ticket_id, technician_id, status, during)
                       values (%(t)s, %(tickets)s, %(technicians)s, 'completed',
                               tstzrange(now() + make_interval(hours => %(n)s), now() + make_interval(hours => %(n)s + 1)))
                       returning id""",
    "tax_rates": """insert into tax_rates (tenant_id, name, rate_percent) values (%(t)s, 'Tax ' || %(u)s, 13)
                    returning id""",
    "line_items": """insert into line_items (tenant_id, ticket_id, service_id, description, unit_price, tax_rate_id)
                     values (%(t)s, %(tickets)s, %(services)s, 'Part', 5, %(tax_rates)s) returning id""",
    "invoice_counters": """insert into invoice_counters (tenant_id, last_value) values (%(t)s, 1)
                           on conflict (tenant_id, kind) do update set last_value = invoice_counters.last_value
                           returning tenant_id""",
    "invoices": """insert into invoices (tenant_id, number, contact_id, ticket_id, category, accepted_ticket_id)
                   values (%(t)s, 'INV-' || %(u)s, %(contacts)s, %(tickets)s, %(service_categories)s, %(tickets)s)
                   returning id""",
    "invoice_lines": """insert into invoice_lines (tenant_id, invoice_id, description, quantity, unit_price)
                        values (%(t)s, %(invoices)s, 'Line', 1, 5) returning id""",
    "notes": """insert into notes (tenant_id, contact_id, ticket_id, author, content)
                values (%(t)s, %(contacts)s, %(tickets)s, 'test', 'a note') returning id""",
    "attributes": """insert into attributes (tenant_id, contact_id, key, value, source_note_id)
                     values (%(t)s, %(contacts)s, 'k_' || %(u)s, '"v"', %(notes)s) returning id""",
    "attachments": """insert into attachments (tenant_id, ticket_id, filename, content_type, size_bytes, storage_key,
                                               uploaded_by)
                      values (%(t)s, %(tickets)s, 'a.jpg', 'image/jpeg', 10, %(u)s, 'test') returning id""",
    "equipment": """insert into equipment (tenant_id, contact_id, type, make, source_ticket_id)
                    values (%(t)s, %(contacts)s, 'furnace', 'Lennox', %(tickets)s) returning id""",
    "scheduled_messages": """insert into scheduled_messages (tenant_id, message_type, channel, to_address, contact_id,
                                                            ticket_id, appointment_id, invoice_id, scheduled_for)
                             values (%(t)s, 'custom', 'sms', '+14165550000', %(contacts)s, %(tickets)s,
                                     %(appointments)s, %(invoices)s, now()) returning id""",
    "outbox_events": """insert into outbox_events (tenant_id, event_type, payload)
                        values (%(t)s, 'test.event', '{}') returning id""",
    "sms_inbound": """insert into sms_inbound (tenant_id, message_sid, from_phone)
                      values (%(t)s, 'SM' || replace(%(u)s, '-', ''), '+14165550000') returning id""",
    "sms_opt_outs": """insert into sms_opt_outs (tenant_id, phone)
                       values (%(t)s, '+1416555' || lpad(mod(%(n)s, 10000)::text, 4, '0')) returning phone""",
    "webhook_endpoints": """insert into webhook_endpoints (tenant_id, url)
                            values (%(t)s, 'https://hooks.example.test/' || %(u)s) returning id""",
    "webhook_deliveries": """insert into webhook_deliveries (tenant_id, event_id, endpoint_id)
                             values (%(t)s, %(outbox_events)s, %(webhook_endpoints)s)
                             on conflict (tenant_id, event_id, endpoint_id) do update set attempts = excluded.attempts
                             returning id""",
    "magic_links": """insert into magic_links (tenant_id, staff_user_id, token_hash, expires_at)
                      values (%(t)s, %(staff_users)s, md5(%(u)s) || md5(%(u)s), now() + interval '15 minutes')
                      returning id""",
    "staff_sessions": """insert into staff_sessions (tenant_id, staff_user_id, token_hash, csrf_token, expires_at)
                         values (%(t)s, %(staff_users)s, md5(%(u)s) || md5(%(u)s), %(u)s, now() + interval '1 hour')
                         returning id""",
    "verification_codes": """insert into verification_codes (tenant_id, conversation_id, phone, code_hash, expires_at)
                             values (%(t)s, %(conversations)s, '+14165550000', md5(%(u)s), now() + interval '10 minutes')
                             returning id""",
    "ticket_status_history": """insert into ticket_status_history (tenant_id, ticket_id, status)
                                values (%(t)s, %(tickets)s, 'open') returning id""",
    "sla_policies": """insert into sla_policies (tenant_id, urgency, first_response_minutes)
                       values (%(t)s, %(urgency_levels)s, 15)
                       on conflict (tenant_id, urgency) do update set first_response_minutes = 16 returning id""",
    "kb_categories": """insert into kb_categories (tenant_id, name, slug) values (%(t)s, 'Help', 'c-' || %(u)s)
                        returning id""",
    "kb_sections": """insert into kb_sections (tenant_id, category_id, name, slug)
                      values (%(t)s, %(kb_categories)s, 'Heating', 's-' || %(u)s) returning id""",
    "kb_articles": """insert into kb_articles (tenant_id, section_id, title, slug, body)
                      values (%(t)s, %(kb_sections)s, 'Title', 'a-' || %(u)s, 'Body text.') returning id""",
    "kb_article_revisions": """insert into kb_article_revisions (tenant_id, article_id, number, title, body)
                               values (%(t)s, %(kb_articles)s, %(n)s, 'Title', 'Body') returning id""",
    "kb_article_feedback": """insert into kb_article_feedback (tenant_id, article_id, helpful)
                              values (%(t)s, %(kb_articles)s, true) returning id""",
    "kb_gaps": """insert into kb_gaps (tenant_id, question, normalized, conversation_id, article_id)
                  values (%(t)s, 'Q?', 'q ' || %(u)s, %(conversations)s, %(kb_articles)s) returning id""",
    "satisfaction_surveys": """insert into satisfaction_surveys (tenant_id, ticket_id, phone, technician_id, message_id)
                               values (%(t)s, %(tickets)s, '+14165550000', %(technicians)s, %(scheduled_messages)s)
                               on conflict (tenant_id, ticket_id) do update
                               set technician_id = excluded.technician_id, message_id = excluded.message_id
                               returning id""",
    "conversation_assignments": """insert into conversation_assignments (tenant_id, conversation_id, staff_user_id)
                                   values (%(t)s, %(conversations)s, %(staff_users)s) returning id""",
    "macros": """insert into macros (tenant_id, name, body) values (%(t)s, 'Macro ' || %(u)s, 'Hi {first_name}')
                 returning id""",
    "saved_views": """insert into saved_views (tenant_id, staff_user_id, name, filters)
                      values (%(t)s, %(staff_users)s, 'View ' || %(u)s, '{"state": "needs_staff"}') returning id""",
    "ticket_participants": """insert into ticket_participants (tenant_id, ticket_id, staff_user_id)
                              values (%(t)s, %(tickets)s, %(staff_users)s)
                              on conflict (tenant_id, ticket_id, staff_user_id) do nothing returning id""",
    "audit_log": """insert into audit_log (tenant_id, entity_type, entity_id, action, actor)
                    values (%(t)s, 'test', gen_random_uuid(), 'create', 'test') returning id""",
}

_counter = itertools.count(1)


def deps(table: str) -> list[str]:
    """The tables a recipe references (its %(table)s parameters)."""
    return [name for name in re.findall(r"%\((\w+)\)s", RECIPES[table]) if name in RECIPES]


def fresh_params(tenant_id: UUID, refs: dict[str, Any]) -> dict[str, Any]:
    n = next(_counter)
    token = "".join(random.choices(string.ascii_lowercase, k=12))
    return {"t": tenant_id, "u": token, "n": n * 3} | refs


async def insert_row(conn: AsyncConnection, table: str, tenant_id: UUID, refs: dict[str, Any]) -> Any:
    """Runs the table's recipe; returns the referenceable value of the new row."""
    cur = await conn.execute(RECIPES[table], fresh_params(tenant_id, {k: refs[k] for k in deps(table)}))
    return (await cur.fetchone())[0]


async def build_world(conn: AsyncConnection, tenant_id: UUID) -> dict[str, Any]:
    """One row of every tenant table (parents first) in the current tenant transaction."""
    refs: dict[str, Any] = {"tenants": tenant_id}
    pending = [t for t in RECIPES if t != "tenants"]
    while pending:
        ready = [t for t in pending if all(d in refs for d in deps(t))]
        assert ready, f"recipes with unresolvable references: {pending}"
        for table in ready:
            refs[table] = await insert_row(conn, table, tenant_id, refs)
            pending.remove(table)
    return refs
