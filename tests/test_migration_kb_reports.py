"""Migration 0003 on release 1's data: every ticket's status history rebuilt from the audit trail.

(template_db makes the serving role, which a release 1 schema grants to.)
"""

from __future__ import annotations

import psycopg

from fieldbook.migrate import migrate
from tests.test_migrations import V1_DATA, v1_database  # noqa: F401 (fixture)


def test_history_rebuilt_from_the_audit_trail_and_targets_set(template_db, v1_database):  # noqa: F811
    with psycopg.connect(v1_database, autocommit=True) as conn:
        with conn.transaction():
            conn.execute("set local session_replication_role = replica")
            conn.execute(V1_DATA.read_text())
        changes = conn.execute("""select count(*) from audit_log where entity_type = 'tickets' and action = 'update'
                                    and new_row->>'status' is distinct from old_row->>'status'""").fetchone()[0]
    migrate(v1_database)
    with psycopg.connect(v1_database) as conn:
        tickets, rows = conn.execute("select (select count(*) from tickets), (select count(*) from ticket_status_history)"
                                     ).fetchone()
        assert tickets > 0 and rows == tickets + changes
        # the last status each ticket entered is the one it has
        mismatched = conn.execute("""
            select t.code from tickets t
             where t.status <> (select h.status from ticket_status_history h where h.ticket_id = t.id
                                 order by h.changed_at desc, h.seq desc limit 1)""").fetchall()
        assert mismatched == []
        first = conn.execute("""select count(*) from tickets t join lateral (
                                   select changed_at from ticket_status_history h where h.ticket_id = t.id
                                    order by h.changed_at, h.seq limit 1) h on true
                                 where h.changed_at <> t.created_at""").fetchone()[0]
        assert first == 0
        policies = conn.execute("""select count(*) filter (where p.id is null), count(*) from urgency_levels u
                                     left join sla_policies p on p.tenant_id = u.tenant_id and p.urgency = u.key
                                    where u.key in ('emergency', 'urgent', 'normal', 'scheduled')""").fetchone()
        assert policies[0] == 0 and policies[1] > 0
