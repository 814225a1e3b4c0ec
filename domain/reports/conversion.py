"""From conversation to booking: conversations, bookings and conversion by channel, time to booked."""

from __future__ import annotations

from psycopg import AsyncConnection

from domain.db import fetch_all, fetch_value
from domain.reports.models import ChannelFigures, ReportWindow

# Conversations started in the window (and whether any of their tickets was ever booked), and the
# appointments booked in the window by the channel their ticket came in on.
BY_CHANNEL_SQL = """
with convs as (
    select c.channel,
           exists (select 1 from tickets t join appointments a on a.ticket_id = t.id
                    where t.conversation_id = c.id) as booked
      from conversations c
     where c.created_at >= %(start)s and c.created_at < %(end)s
),
books as (
    select t.source_channel as channel, count(*) as bookings
      from appointments a join tickets t on t.id = a.ticket_id
     where a.created_at >= %(start)s and a.created_at < %(end)s
     group by t.source_channel
),
conv_counts as (
    select channel, count(*) as conversations, count(*) filter (where booked) as booked_conversations
      from convs group by channel
)
select coalesce(cc.channel, b.channel) as channel, coalesce(cc.conversations, 0) as conversations,
       coalesce(cc.booked_conversations, 0) as booked_conversations, coalesce(b.bookings, 0) as bookings,
       case when coalesce(cc.conversations, 0) = 0 then 0
            else round(cc.booked_conversations::numeric / cc.conversations, 4)::float8 end as conversion
  from conv_counts cc full join books b on b.channel = cc.channel
 order by 1
"""

# Minutes from a request to its first booking, for requests first booked inside the window.
MEDIAN_TO_BOOKED_SQL = """
select round((percentile_cont(0.5) within group (
           order by extract(epoch from first_booked.changed_at - t.created_at) / 60))::numeric, 1)::float8
  from tickets t
  join lateral (select h.changed_at from ticket_status_history h
                 where h.ticket_id = t.id and h.status = 'scheduled'
                 order by h.changed_at, h.seq limit 1) first_booked on true
 where first_booked.changed_at >= %(start)s and first_booked.changed_at < %(end)s and t.deleted_at is null
"""


async def by_channel(conn: AsyncConnection, *, window: ReportWindow) -> list[ChannelFigures]:
    """Conversations, booked conversations, bookings and conversion per channel."""
    return await fetch_all(conn, ChannelFigures, BY_CHANNEL_SQL, {"start": window.start, "end": window.end})


async def median_minutes_to_booked(conn: AsyncConnection, *, window: ReportWindow) -> float | None:
    """The median time from a request to its first booking, for those first booked in the window."""
    return await fetch_value(conn, MEDIAN_TO_BOOKED_SQL, {"start": window.start, "end": window.end})
