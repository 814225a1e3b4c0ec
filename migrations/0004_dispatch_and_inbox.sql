-- Issue 15: workflow integrity (a cancelled ticket keeps its reason; customers are told of cancelled or moved
-- visits, staff are alerted, through scheduled messages) and the staff inbox.

alter table tickets
    add column cancellation_reason text check (length(cancellation_reason) between 1 and 500);

alter table scheduled_messages
    drop constraint scheduled_messages_message_type_check,
    add constraint scheduled_messages_message_type_check check (message_type in (
        'appointment_confirmation', 'appointment_reminder', 'service_reminder',
        'verification_code', 'invoice', 'payment_reminder', 'custom', 'reply',
        'appointment_cancelled', 'appointment_moved', 'staff_alert'));

-- The staff inbox: the hand-off state replaces the handed_off flag; staff replies and private notes in the
-- transcript; on-duty staff and how they are alerted.

alter table tenants
    add column staff_alert_channel text not null default 'email' check (staff_alert_channel in ('sms', 'email'));

alter table staff_users
    add column phone text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
    add column on_duty boolean not null default false;

alter table conversations
    add column handling text not null default 'agent' check (handling in ('agent', 'needs_staff', 'staff')),
    add column needs_staff_since timestamptz,
    add column assigned_to uuid,
    add column staff_flag_pending text,
    add foreign key (tenant_id, assigned_to) references staff_users (tenant_id, id);
-- a conversation the agent had handed off is waiting for a person
update conversations set handling = 'needs_staff', needs_staff_since = last_message_at where handed_off;
-- release 1's flag stays readable, now derived from the state (no row loses what it said)
alter table conversations
    drop column handed_off,
    add column handed_off boolean generated always as (handling <> 'agent') stored;
create index conversations_inbox on conversations (tenant_id, handling, last_message_at desc);

alter table conversation_messages
    add column private boolean not null default false,
    add column author_id uuid,
    add foreign key (tenant_id, author_id) references staff_users (tenant_id, id),
    add constraint conversation_messages_private_is_staff check (not private or role = 'staff');
