-- Issue 15, the staff inbox's own records: assignment history, macros, saved views, ticket participants.

-- Every change of who has a conversation, in order (conversations.assigned_to is the latest).
create table conversation_assignments (
    tenant_id       uuid not null references tenants (id) on delete cascade,
    id              uuid not null default gen_random_uuid(),
    conversation_id uuid not null,
    staff_user_id   uuid,                         -- null: unassigned
    assigned_by     text not null default app_actor(),
    created_at      timestamptz not null default clock_timestamp(),   -- several changes in one transaction keep their order
    primary key (tenant_id, id),
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id) on delete cascade,
    foreign key (tenant_id, staff_user_id) references staff_users (tenant_id, id)
);
create index conversation_assignments_conversation on conversation_assignments (tenant_id, conversation_id, created_at);
call apply_tenant_policies('conversation_assignments', false);
call apply_row_triggers('conversation_assignments', false);

-- Canned replies; {first_name} and {ticket_code} are filled in for the conversation at hand.
create table macros (
    tenant_id  uuid not null references tenants (id) on delete cascade,
    id         uuid not null default gen_random_uuid(),
    name       text not null check (length(name) between 1 and 100),
    body       text not null check (length(body) between 1 and 1600),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint macros_name_key unique (tenant_id, name)
);
call apply_tenant_policies('macros', false);
call apply_row_triggers('macros', true);

-- A staff member's saved inbox filters.
create table saved_views (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null default gen_random_uuid(),
    staff_user_id uuid not null,
    name          text not null check (length(name) between 1 and 60),
    filters       jsonb not null default '{}'::jsonb,
    created_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint saved_views_name_key unique (tenant_id, staff_user_id, name),
    foreign key (tenant_id, staff_user_id) references staff_users (tenant_id, id) on delete cascade
);
call apply_tenant_policies('saved_views', false);
call apply_row_triggers('saved_views', false);

-- Staff who follow a ticket: each is emailed its updates (thread messages, cancellation, reassignment).
create table ticket_participants (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null default gen_random_uuid(),
    ticket_id     uuid not null,
    staff_user_id uuid not null,
    added_by      text not null default app_actor(),
    created_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint ticket_participants_once unique (tenant_id, ticket_id, staff_user_id),
    foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
    foreign key (tenant_id, staff_user_id) references staff_users (tenant_id, id) on delete cascade
);
call apply_tenant_policies('ticket_participants', false);
call apply_row_triggers('ticket_participants', false);

grant select, insert, update, delete on conversation_assignments, macros, saved_views, ticket_participants
    to fieldbook_app;
