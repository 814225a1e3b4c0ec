-- Fieldbook: the one PostgreSQL schema.
--
-- Applied by `fieldbook migrate` as the owning (migration) role, into an empty database.
-- Conventions (see DESIGN.md "Tenancy and row-level security"):
--   * every business table has tenant_id; keys and foreign keys start with tenant_id;
--   * every tenant table has ENABLE + FORCE ROW LEVEL SECURITY, a RESTRICTIVE tenant policy
--     and permissive per-command policies (soft-deleted rows vanish from reads, but the UPDATE
--     that sets deleted_at still passes);
--   * audit rows are written by a trigger in the same transaction, actor from app.actor;
--   * the serving role (fieldbook_app) owns nothing, is not superuser and has NOBYPASSRLS.
-- A fresh database gets this file in one step; a database of an earlier version is brought here by
-- the numbered files in migrations/ (see fieldbook/migrate.py). Every change to this file ships as a
-- migration too, and tests/test_migrations.py checks that both paths give the same catalog.

create extension if not exists btree_gist;
create extension if not exists pg_trgm;
create extension if not exists citext;

create table schema_meta (
    singleton  boolean primary key default true check (singleton),
    version    integer not null,
    applied_at timestamptz not null default now()
);

-- One row per migration step that ran (a fresh database records every step as applied at once).
create table schema_migrations (
    version    integer primary key,
    name       text not null,
    applied_at timestamptz not null default now()
);

-- ---------------------------------------------------------------------------------------------
-- Shared functions
-- ---------------------------------------------------------------------------------------------

-- The tenant of the current transaction. '' (a transaction-local setting after its transaction
-- ended) and NULL both mean "no tenant", which matches no row.
create function app_tenant() returns uuid
    language sql stable parallel safe
    as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;

create function app_actor() returns text
    language sql stable parallel safe
    as $$ select coalesce(nullif(current_setting('app.actor', true), ''), 'system') $$;

create function touch_updated_at() returns trigger
    language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end $$;

-- Enables RLS on a tenant table with the standard policy set. `soft_delete` tables hide rows with
-- deleted_at from reads; the UPDATE that sets deleted_at is allowed by a separate policy.
create procedure apply_tenant_policies(tbl regclass, soft_delete boolean)
    language plpgsql as $$
declare
    -- PostgreSQL checks the row an UPDATE writes against the SELECT policies too, so the UPDATE that
    -- soft-deletes must still "see" its own result: a row deleted by this very transaction
    -- (deleted_at = now(), the transaction's timestamp) stays visible until it commits, then vanishes.
    live text := case when soft_delete then 'deleted_at is null or deleted_at = now()' else 'true' end;
begin
    execute format('alter table %s enable row level security', tbl);
    execute format('alter table %s force row level security', tbl);
    execute format('create policy tenant_isolation on %s as restrictive for all '
                   'using (tenant_id = app_tenant()) with check (tenant_id = app_tenant())', tbl);
    execute format('create policy read_live on %s for select using (%s)', tbl, live);
    execute format('create policy insert_any on %s for insert with check (true)', tbl);
    execute format('create policy update_live on %s for update using (%s) with check (true)', tbl, live);
    execute format('create policy delete_any on %s for delete using (true)', tbl);
end $$;

-- ---------------------------------------------------------------------------------------------
-- Audit log (append-only; written by trigger in the same transaction as the change)
-- ---------------------------------------------------------------------------------------------

create table audit_log (
    tenant_id   uuid not null,
    id          bigint generated always as identity,
    entity_type text not null,
    entity_id   uuid not null,
    action      text not null check (action in ('create', 'update', 'delete')),
    actor       text not null,
    old_row     jsonb,
    new_row     jsonb,
    created_at  timestamptz not null default now(),
    primary key (tenant_id, id)
);
create index audit_log_entity on audit_log (tenant_id, entity_type, entity_id, id);
alter table audit_log enable row level security;
alter table audit_log force row level security;
create policy tenant_isolation on audit_log as restrictive for all
    using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
create policy read_all on audit_log for select using (true);
create policy append_only on audit_log for insert with check (true);

-- Soft delete (deleted_at going from null to a value) is recorded as 'delete'.
create function audit_row() returns trigger
    language plpgsql as $$
declare
    action text;
    -- model_history is the agent's bulky working memory, not business data: kept out of the trail
    old_j  jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) - 'model_history' end;
    new_j  jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) - 'model_history' end;
begin
    if tg_op = 'INSERT' then
        action := 'create';
    elsif tg_op = 'DELETE' then
        action := 'delete';
    elsif new_j ? 'deleted_at' and old_j->'deleted_at' = 'null'::jsonb
          and new_j->'deleted_at' <> 'null'::jsonb then
        action := 'delete';
    else
        if old_j - 'updated_at' = new_j - 'updated_at' then
            return null;  -- nothing but the timestamp changed
        end if;
        action := 'update';
    end if;
    insert into audit_log (tenant_id, entity_type, entity_id, action, actor, old_row, new_row)
    values ((coalesce(new_j, old_j)->>'tenant_id')::uuid, tg_table_name,
            (coalesce(new_j, old_j)->>'id')::uuid, action, app_actor(), old_j, new_j);
    return null;
end $$;

-- Adds the updated_at and audit triggers to a table.
create procedure apply_row_triggers(tbl regclass, has_updated_at boolean)
    language plpgsql as $$
begin
    if has_updated_at then
        execute format('create trigger touch_updated_at before update on %s '
                       'for each row execute function touch_updated_at()', tbl);
    end if;
    execute format('create trigger audit after insert or update or delete on %s '
                   'for each row execute function audit_row()', tbl);
end $$;

-- ---------------------------------------------------------------------------------------------
-- Tenants, staff, API keys
-- ---------------------------------------------------------------------------------------------

create table tenants (
    id                     uuid primary key default gen_random_uuid(),
    tenant_id              uuid generated always as (id) stored,  -- lets the standard policies apply
    name                   text not null check (length(name) between 1 and 200),
    slug                   text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    timezone               text not null,
    phone_region           text not null default 'US' check (phone_region ~ '^[A-Z]{2}$'),
    -- {"mon": [["09:00","20:00"]], ...}; days absent are closed
    business_hours         jsonb not null default '{}'::jsonb,
    booking_horizon_days   integer not null default 60 check (booking_horizon_days between 1 and 366),
    buffer_minutes         integer not null default 0 check (buffer_minutes between 0 and 240),
    service_area           text,
    widget_public_key      text not null unique,
    widget_allowed_origins text[] not null default '{}',
    sms_number             text unique check (sms_number ~ '^\+[1-9][0-9]{6,14}$'),
    retention_days         integer not null default 90 check (retention_days between 1 and 3650),
    quiet_hours_start      time not null default '21:00',
    quiet_hours_end        time not null default '08:00',
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    staff_alert_channel    text not null default 'email' check (staff_alert_channel in ('sms', 'email')),
    -- the text search configuration of the knowledge base (stemming, stop words): the business's language
    search_language        regconfig not null default 'english',
    -- said first to a customer describing a danger (gas, CO alarm, sparks); null: the default text
    safety_text            text check (length(safety_text) between 1 and 1000),
    -- the business as its invoices name it
    invoice_address        text check (length(invoice_address) between 1 and 500),
    tax_number             text check (length(tax_number) between 1 and 60),
    -- set by the platform admin: the widget, SMS and API answer that the service is unavailable
    suspended_at           timestamptz,
    -- the widget's accent colour, and the line it shows when opened (before the customer writes)
    widget_color           text not null default '#1f5fbf' check (widget_color ~ '^#[0-9a-fA-F]{6}$'),
    widget_greeting        text check (length(widget_greeting) between 1 and 300),
    -- cities or postal-code prefixes the agent checks an address against before offering times
    service_area_places    text[] not null default '{}'
);
alter table tenants enable row level security;
alter table tenants force row level security;
create policy own_tenant on tenants for select using (id = app_tenant());
create policy update_own_tenant on tenants for update using (id = app_tenant()) with check (id = app_tenant());
call apply_row_triggers('tenants', true);

create table staff_users (
    tenant_id  uuid not null references tenants (id) on delete cascade,
    id         uuid not null default gen_random_uuid(),
    email      citext not null check (email ~ '^[^@\s]+@[^@\s]+$'),
    name       text not null check (length(name) between 1 and 200),
    role       text not null check (role in ('owner', 'dispatcher', 'technician')),
    active     boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    phone      text check (phone ~ '^\+[1-9][0-9]{6,14}$'),   -- where SMS alerts reach them
    on_duty    boolean not null default false,                -- alerted when a conversation needs a person
    primary key (tenant_id, id),
    constraint staff_users_email_key unique (tenant_id, email)
);
create index staff_users_email on staff_users (email);
call apply_tenant_policies('staff_users', false);
call apply_row_triggers('staff_users', true);

create table api_keys (
    tenant_id    uuid not null references tenants (id) on delete cascade,
    id           uuid not null default gen_random_uuid(),
    name         text not null,
    prefix       text not null,            -- first characters, to recognise a key in lists
    key_hash     text not null,            -- sha256 hex of the whole key
    created_at   timestamptz not null default now(),
    revoked_at   timestamptz,
    primary key (tenant_id, id),
    constraint api_keys_hash_key unique (tenant_id, key_hash)
);
create index api_keys_hash on api_keys (key_hash) where revoked_at is null;
call apply_tenant_policies('api_keys', false);
call apply_row_triggers('api_keys', false);

-- ---------------------------------------------------------------------------------------------
-- Settings-driven vocabulary: service categories ("datalabels") and urgency levels
-- ---------------------------------------------------------------------------------------------

create table service_categories (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    id          uuid not null default gen_random_uuid(),
    key         text not null check (key ~ '^[A-Za-z][A-Za-z0-9 _-]{0,39}$'),
    name        text not null,
    description text,
    synonyms    text[] not null default '{}',
    sort_order  integer not null default 0,
    active      boolean not null default true,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint service_categories_key_key unique (tenant_id, key)
);
call apply_tenant_policies('service_categories', false);
call apply_row_triggers('service_categories', true);

create table urgency_levels (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    key         text not null check (key ~ '^[a-z_]{1,30}$'),
    name        text not null,
    description text,
    -- the booking window, in hours from now: emergency 0-4, urgent 4-24, normal 24-72, scheduled 168+
    window_start_hours integer not null check (window_start_hours >= 0),
    window_end_hours   integer check (window_end_hours > window_start_hours),
    sort_order  integer not null default 0,
    id          uuid not null default gen_random_uuid(),
    primary key (tenant_id, key)
);
call apply_tenant_policies('urgency_levels', false);
call apply_row_triggers('urgency_levels', false);

-- ---------------------------------------------------------------------------------------------
-- Services catalog
-- ---------------------------------------------------------------------------------------------

create table services (
    tenant_id        uuid not null references tenants (id) on delete cascade,
    id               uuid not null default gen_random_uuid(),
    name             text not null check (length(name) between 1 and 200),
    description      text,
    category         text,
    pricing_type     text not null check (pricing_type in ('fixed', 'flexible', 'per_unit')),
    price            numeric(10, 2) check (price >= 0),        -- fixed price, or the flexible default
    unit_price       numeric(10, 2) check (unit_price >= 0),   -- per_unit
    unit_label       text,
    default_duration_minutes integer not null default 60 check (default_duration_minutes between 15 and 1440),
    active           boolean not null default true,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    deleted_at       timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, category) references service_categories (tenant_id, key) on update cascade,
    constraint services_pricing check (
        (pricing_type = 'fixed' and price is not null)
        or (pricing_type = 'per_unit' and unit_price is not null)
        or pricing_type = 'flexible')
);
create index services_category on services (tenant_id, category) where deleted_at is null;
call apply_tenant_policies('services', true);
call apply_row_triggers('services', true);

-- ---------------------------------------------------------------------------------------------
-- Contacts, addresses
-- ---------------------------------------------------------------------------------------------

create table contacts (
    tenant_id  uuid not null references tenants (id) on delete cascade,
    id         uuid not null default gen_random_uuid(),
    name       text check (length(name) between 1 and 200),
    phone      text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
    email      citext check (email ~ '^[^@\s]+@[^@\s]+$'),
    notes      text,
    source     text not null default 'staff' check (source in ('web', 'sms', 'api', 'staff', 'demo')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz,
    erased_at  timestamptz,
    primary key (tenant_id, id)
);
create unique index contacts_phone_key on contacts (tenant_id, phone) where deleted_at is null;
create index contacts_name_trgm on contacts using gin (name gin_trgm_ops);
create index contacts_email on contacts (tenant_id, email) where deleted_at is null;
create index contacts_list on contacts (tenant_id, created_at, id) where deleted_at is null;
call apply_tenant_policies('contacts', true);
call apply_row_triggers('contacts', true);

create table addresses (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    id          uuid not null default gen_random_uuid(),
    contact_id  uuid not null,
    label       text,
    line1       text not null check (length(line1) between 1 and 300),
    city        text,
    region      text,
    postal_code text,
    notes       text,
    is_primary  boolean not null default false,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade
);
create index addresses_contact on addresses (tenant_id, contact_id);
call apply_tenant_policies('addresses', false);
call apply_row_triggers('addresses', true);

-- ---------------------------------------------------------------------------------------------
-- Technicians, their working hours and time off
-- ---------------------------------------------------------------------------------------------

create table technicians (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null default gen_random_uuid(),
    staff_user_id uuid,
    name          text not null check (length(name) between 1 and 200),
    phone         text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
    email         citext,
    skills        text[] not null default '{}',   -- service category keys
    color         text not null default '#2f6fdb',
    active        boolean not null default true,
    calendar_token_hash text,                     -- iCalendar feed token (sha256), revocable
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, staff_user_id) references staff_users (tenant_id, id)
);
create index technicians_skills on technicians using gin (skills) where active;
call apply_tenant_policies('technicians', false);
call apply_row_triggers('technicians', true);

-- Weekly working hours in the tenant's local time; ISO weekday 1 = Monday .. 7 = Sunday.
create table working_hours (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null default gen_random_uuid(),
    technician_id uuid not null,
    weekday       smallint not null check (weekday between 1 and 7),
    starts        time not null,
    ends          time not null check (ends > starts),
    primary key (tenant_id, id),
    foreign key (tenant_id, technician_id) references technicians (tenant_id, id) on delete cascade
);
create index working_hours_technician on working_hours (tenant_id, technician_id, weekday);
call apply_tenant_policies('working_hours', false);
call apply_row_triggers('working_hours', false);

create table time_off (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null default gen_random_uuid(),
    technician_id uuid not null,
    during        tstzrange not null check (not isempty(during)),
    reason        text,
    created_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, technician_id) references technicians (tenant_id, id) on delete cascade
);
create index time_off_during on time_off using gist (tenant_id, technician_id, during);
call apply_tenant_policies('time_off', false);
call apply_row_triggers('time_off', false);

-- A day the whole business is closed (a holiday): no technician is offered on that local date.
create table business_closures (
    tenant_id  uuid not null references tenants (id) on delete cascade,
    id         uuid not null default gen_random_uuid(),
    day        date not null,
    reason     text check (length(reason) <= 200),
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint business_closures_day_key unique (tenant_id, day)
);
call apply_tenant_policies('business_closures', false);
call apply_row_triggers('business_closures', false);

-- ---------------------------------------------------------------------------------------------
-- Conversations (web chat, SMS) and their transcript
-- ---------------------------------------------------------------------------------------------

create table conversations (
    tenant_id      uuid not null references tenants (id) on delete cascade,
    id             uuid not null default gen_random_uuid(),
    channel        text not null check (channel in ('web', 'sms', 'cli', 'api')),
    phone          text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
    phone_verified boolean not null default false,
    contact_id     uuid,
    state          jsonb not null default '{}'::jsonb,   -- the dialogue's slots and offered options
    model_history  jsonb not null default '[]'::jsonb,   -- pydantic-ai message history
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    last_message_at timestamptz not null default now(),
    -- who answers: the agent, nobody yet (it handed off; staff were alerted), or a person (domain/conversations/handling)
    handling       text not null default 'agent' check (handling in ('agent', 'needs_staff', 'staff')),
    needs_staff_since timestamptz,                   -- when it started waiting for a person
    assigned_to    uuid,                             -- the staff member who has it
    handed_off     boolean generated always as (handling <> 'agent') stored,   -- release 1's flag, still readable
    -- staff were alerted (an emergency booked) while the agent still had requests of this conversation to book:
    -- the conversation becomes needs_staff when they are (domain/inbox/service.settle_staff_flag)
    staff_flag_pending text,
    primary key (tenant_id, id),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
    foreign key (tenant_id, assigned_to) references staff_users (tenant_id, id)
);
create index conversations_phone on conversations (tenant_id, phone, last_message_at desc);
create index conversations_last on conversations (tenant_id, last_message_at);
create index conversations_inbox on conversations (tenant_id, handling, last_message_at desc);
call apply_tenant_policies('conversations', false);
call apply_row_triggers('conversations', true);

create table conversation_messages (
    tenant_id       uuid not null references tenants (id) on delete cascade,
    id              uuid not null default gen_random_uuid(),
    conversation_id uuid not null,
    seq             bigint generated always as identity,
    role            text not null check (role in ('customer', 'agent', 'staff', 'system')),
    content         text not null,
    created_at      timestamptz not null default now(),
    private         boolean not null default false,  -- a staff note: never sent, never shown to the customer
    author_id       uuid,                            -- the staff member who wrote a staff line
    primary key (tenant_id, id),
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id) on delete cascade,
    foreign key (tenant_id, author_id) references staff_users (tenant_id, id),
    constraint conversation_messages_private_is_staff check (not private or role = 'staff')
);
create index conversation_messages_seq on conversation_messages (tenant_id, conversation_id, seq);
call apply_tenant_policies('conversation_messages', false);

-- ---------------------------------------------------------------------------------------------
-- Tickets (service requests / jobs) and appointments
-- ---------------------------------------------------------------------------------------------

create table ticket_counters (
    tenant_id  uuid primary key references tenants (id) on delete cascade,
    last_value bigint not null
);
alter table ticket_counters enable row level security;
alter table ticket_counters force row level security;
create policy tenant_isolation on ticket_counters for all
    using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());

create table tickets (
    tenant_id        uuid not null references tenants (id) on delete cascade,
    id               uuid not null default gen_random_uuid(),
    code             text not null,
    contact_id       uuid,                          -- null until the customer is known (task-first)
    customer_phone   text not null check (customer_phone ~ '^\+[1-9][0-9]{6,14}$'),
    customer_name    text,
    category         text not null,
    urgency          text not null default 'normal',
    status           text not null default 'open'
                     check (status in ('open', 'scheduled', 'in_progress', 'completed', 'cancelled')),
    source_channel   text not null default 'api' check (source_channel in ('web', 'sms', 'api', 'staff', 'cli')),
    kind             text not null default 'service' check (kind in ('service', 'callback')),
    title            text,
    description      text not null default '',
    service_address  text,
    address_id       uuid,
    preferred_time   text,                          -- what the customer said ("tomorrow morning")
    preferred_start  timestamptz,                   -- what the server resolved it to
    estimated_duration_minutes integer check (estimated_duration_minutes between 15 and 1440),
    technician_id    uuid,
    waitlisted       boolean not null default false,
    conversation_id  uuid,
    clock_in_at      timestamptz,
    clock_out_at     timestamptz,
    actual_duration_minutes integer check (actual_duration_minutes >= 0),
    closeout_notes   text,
    closed_at        timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    deleted_at       timestamptz,
    cancellation_reason text check (length(cancellation_reason) between 1 and 500),  -- why it was cancelled
    primary key (tenant_id, id),
    constraint tickets_code_key unique (tenant_id, code),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
    foreign key (tenant_id, category) references service_categories (tenant_id, key) on update cascade,
    foreign key (tenant_id, urgency) references urgency_levels (tenant_id, key) on update cascade,
    foreign key (tenant_id, address_id) references addresses (tenant_id, id) on delete set null (address_id),
    foreign key (tenant_id, technician_id) references technicians (tenant_id, id),
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id) on delete set null (conversation_id),
    constraint tickets_clock_order check (clock_out_at is null or (clock_in_at is not null and clock_out_at >= clock_in_at)),
    constraint tickets_closed_is_final check (closed_at is null or status in ('completed', 'cancelled'))
);
create index tickets_list on tickets (tenant_id, created_at, id) where deleted_at is null;
create index tickets_phone on tickets (tenant_id, customer_phone) where deleted_at is null;
create index tickets_contact on tickets (tenant_id, contact_id) where deleted_at is null;
create index tickets_status on tickets (tenant_id, status, created_at) where deleted_at is null;
create index tickets_technician on tickets (tenant_id, technician_id) where deleted_at is null;
create index tickets_conversation on tickets (tenant_id, conversation_id);
call apply_tenant_policies('tickets', true);

-- TASK-00042: a per-tenant counter, incremented under a row lock in the inserting transaction.
create function assign_ticket_code() returns trigger
    language plpgsql as $$
declare
    n bigint;
begin
    if new.code is null or new.code = '' then
        insert into ticket_counters (tenant_id, last_value) values (new.tenant_id, 1)
        on conflict (tenant_id) do update set last_value = ticket_counters.last_value + 1
        returning last_value into n;
        new.code := 'TASK-' || lpad(n::text, greatest(5, length(n::text)), '0');  -- grows past 99999
    end if;
    return new;
end $$;
create trigger assign_code before insert on tickets
    for each row execute function assign_ticket_code();

-- A closed ticket is immutable: the database refuses any change to it, whatever the application does.
-- The one exception is erasure (app.erasure = 'on', set by domain/privacy in its own transaction),
-- which may blank the customer's personal fields of a closed ticket and nothing else.
create function forbid_closed_ticket_change() returns trigger
    language plpgsql as $$
declare
    personal text[] := array['customer_name', 'customer_phone', 'title', 'description', 'service_address',
                             'address_id', 'preferred_time', 'closeout_notes', 'updated_at'];
begin
    if old.closed_at is not null and current_setting('app.erasure', true) = 'on'
       and (to_jsonb(old) - personal) = (to_jsonb(new) - personal) then
        return new;
    end if;
    if old.closed_at is not null then
        raise exception 'ticket % is closed', old.code
            using errcode = 'check_violation', constraint = 'tickets_closed_immutable';
    end if;
    return new;
end $$;
create trigger closed_immutable before update on tickets
    for each row execute function forbid_closed_ticket_change();
call apply_row_triggers('tickets', true);

create table appointments (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null default gen_random_uuid(),
    ticket_id     uuid not null,
    technician_id uuid not null,
    during        tstzrange not null check (not isempty(during) and lower_inc(during) and not upper_inc(during)),
    status        text not null default 'booked' check (status in ('booked', 'completed', 'cancelled')),
    booked_by     text not null default 'system',
    cancelled_at  timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
    foreign key (tenant_id, technician_id) references technicians (tenant_id, id),
    constraint appointments_no_overlap exclude using gist
        (tenant_id with =, technician_id with =, during with &&) where (status <> 'cancelled')
);
create index appointments_ticket on appointments (tenant_id, ticket_id);
call apply_tenant_policies('appointments', false);
call apply_row_triggers('appointments', true);

-- ---------------------------------------------------------------------------------------------
-- Line items, invoices, notes, attributes
-- ---------------------------------------------------------------------------------------------

-- Sales taxes a business charges (Ontario HST 13 %); the default applies to new lines.
create table tax_rates (
    tenant_id    uuid not null references tenants (id) on delete cascade,
    id           uuid not null default gen_random_uuid(),
    name         text not null check (length(name) between 1 and 60),
    rate_percent numeric(6, 3) not null check (rate_percent >= 0 and rate_percent < 100),
    is_default   boolean not null default false,
    active       boolean not null default true,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint tax_rates_name_key unique (tenant_id, name),
    constraint tax_rates_default_active check (not is_default or active)
);
create unique index tax_rates_one_default on tax_rates (tenant_id) where is_default;
call apply_tenant_policies('tax_rates', false);
call apply_row_triggers('tax_rates', true);


create table line_items (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    id          uuid not null default gen_random_uuid(),
    ticket_id   uuid not null,
    service_id  uuid,                              -- null: a free-form part or material
    description text not null,
    quantity    numeric(10, 2) not null default 1 check (quantity > 0),
    unit_price  numeric(10, 2) not null check (unit_price >= 0),
    total       numeric(12, 2) generated always as (round(quantity * unit_price, 2)) stored,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    deleted_at  timestamptz,
    tax_rate_id uuid,                              -- null: not taxed
    primary key (tenant_id, id),
    foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
    foreign key (tenant_id, service_id) references services (tenant_id, id),
    foreign key (tenant_id, tax_rate_id) references tax_rates (tenant_id, id)
);
create index line_items_ticket on line_items (tenant_id, ticket_id) where deleted_at is null;
call apply_tenant_policies('line_items', true);

-- Line items of a closed ticket are as immutable as the ticket.
create function forbid_closed_ticket_items() returns trigger
    language plpgsql as $$
declare
    ticket_row record;
begin
    select closed_at, code into ticket_row from tickets
     where tenant_id = new.tenant_id and id = new.ticket_id;
    if ticket_row.closed_at is not null then
        raise exception 'ticket % is closed', ticket_row.code
            using errcode = 'check_violation', constraint = 'tickets_closed_immutable';
    end if;
    return new;
end $$;
create trigger closed_immutable before insert or update on line_items
    for each row execute function forbid_closed_ticket_items();
call apply_row_triggers('line_items', true);

-- One counter per tenant and kind: INV-00001 and EST-00001 count separately.
create table invoice_counters (
    tenant_id  uuid not null references tenants (id) on delete cascade,
    last_value bigint not null,
    kind       text not null default 'invoice' check (kind in ('invoice', 'estimate')),
    primary key (tenant_id, kind)
);
alter table invoice_counters enable row level security;
alter table invoice_counters force row level security;
create policy tenant_isolation on invoice_counters for all
    using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());

create table invoices (
    tenant_id    uuid not null references tenants (id) on delete cascade,
    id           uuid not null default gen_random_uuid(),
    number       text not null,
    contact_id   uuid,
    ticket_id    uuid,
    status       text not null default 'draft'
                 check (status in ('draft', 'sent', 'paid', 'void', 'accepted', 'declined')),
    total_amount numeric(12, 2) not null default 0 check (total_amount >= 0),
    due_at       timestamptz,                  -- an estimate: valid until
    sent_at      timestamptz,
    paid_at      timestamptz,
    voided_at    timestamptz,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    deleted_at   timestamptz,
    -- an estimate is priced like an invoice; accepted from its link, it becomes a ticket to book
    kind              text not null default 'invoice' check (kind in ('invoice', 'estimate')),
    subtotal_amount   numeric(12, 2) not null default 0 check (subtotal_amount >= 0),
    tax_amount        numeric(12, 2) not null default 0 check (tax_amount >= 0),
    title             text check (length(title) <= 200),
    category          text,                    -- an estimate's service category (its ticket's)
    payment_method    text check (payment_method in ('cash', 'cheque', 'card', 'e_transfer', 'bank_transfer', 'other')),
    payment_reference text check (length(payment_reference) <= 200),
    accepted_at       timestamptz,
    declined_at       timestamptz,
    accepted_ticket_id uuid,
    primary key (tenant_id, id),
    constraint invoices_number_key unique (tenant_id, number),
    constraint invoices_kind_status check (
        (kind = 'invoice' and status in ('draft', 'sent', 'paid', 'void'))
        or (kind = 'estimate' and status in ('draft', 'sent', 'accepted', 'declined', 'void'))),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
    foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
    foreign key (tenant_id, category) references service_categories (tenant_id, key) on update cascade,
    foreign key (tenant_id, accepted_ticket_id) references tickets (tenant_id, id)
);
create index invoices_due on invoices (tenant_id, due_at) where status = 'sent' and deleted_at is null;
create index invoices_contact on invoices (tenant_id, contact_id) where deleted_at is null;
create index invoices_ticket on invoices (tenant_id, ticket_id) where deleted_at is null;
call apply_tenant_policies('invoices', true);
call apply_row_triggers('invoices', true);

create table invoice_lines (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    id          uuid not null default gen_random_uuid(),
    invoice_id  uuid not null,
    description text not null,
    quantity    numeric(10, 2) not null check (quantity > 0),
    unit_price  numeric(10, 2) not null check (unit_price >= 0),
    amount      numeric(12, 2) generated always as (round(quantity * unit_price, 2)) stored,
    position    integer not null default 0,
    -- the tax as charged (a copy: a later change of the rate never moves a sent invoice), rounded once
    tax_name    text check (length(tax_name) <= 60),
    tax_percent numeric(6, 3) not null default 0 check (tax_percent >= 0 and tax_percent < 100),
    tax_amount  numeric(12, 2) generated always as (round(quantity * unit_price * tax_percent / 100, 2)) stored,
    primary key (tenant_id, id),
    foreign key (tenant_id, invoice_id) references invoices (tenant_id, id) on delete cascade
);
create index invoice_lines_invoice on invoice_lines (tenant_id, invoice_id, position);
call apply_tenant_policies('invoice_lines', false);
call apply_row_triggers('invoice_lines', false);

create table notes (
    tenant_id  uuid not null references tenants (id) on delete cascade,
    id         uuid not null default gen_random_uuid(),
    contact_id uuid,
    ticket_id  uuid,
    author     text not null,
    content    text not null check (length(content) between 1 and 20000),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
    foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
    constraint notes_has_parent check (contact_id is not null or ticket_id is not null)
);
create index notes_contact on notes (tenant_id, contact_id, created_at) where deleted_at is null;
create index notes_ticket on notes (tenant_id, ticket_id, created_at) where deleted_at is null;
call apply_tenant_policies('notes', true);
call apply_row_triggers('notes', true);

create table attributes (
    tenant_id      uuid not null references tenants (id) on delete cascade,
    id             uuid not null default gen_random_uuid(),
    contact_id     uuid not null,
    key            text not null check (key ~ '^[a-z][a-z0-9_]{0,63}$'),
    value          jsonb not null,
    source_note_id uuid,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint attributes_contact_key unique (tenant_id, contact_id, key),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade,
    foreign key (tenant_id, source_note_id) references notes (tenant_id, id)
);
call apply_tenant_policies('attributes', false);
call apply_row_triggers('attributes', true);

-- ---------------------------------------------------------------------------------------------
-- The job site: photos and files on a job, the customer's equipment
-- ---------------------------------------------------------------------------------------------

-- A file on a job (before/after photos, an equipment label). The bytes live in the file storage
-- (storage_key); the row says whose they are, so only staff who may see the job are served them.
create table attachments (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null default gen_random_uuid(),
    ticket_id     uuid not null,
    kind          text not null default 'other' check (kind in ('before', 'after', 'label', 'other')),
    filename      text not null check (length(filename) between 1 and 200),
    content_type  text not null check (content_type ~ '^[a-z]+/[a-z0-9.+-]+$'),
    size_bytes    integer not null check (size_bytes > 0),
    storage_key   text not null check (length(storage_key) <= 300),
    thumbnail_key text check (length(thumbnail_key) <= 300),
    uploaded_by   text not null,
    created_at    timestamptz not null default now(),
    deleted_at    timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, ticket_id) references tickets (tenant_id, id)
);
create index attachments_ticket on attachments (tenant_id, ticket_id, created_at) where deleted_at is null;
call apply_tenant_policies('attachments', true);
call apply_row_triggers('attachments', false);

-- What the customer has in the house (a furnace, a water heater): proposed from close-out notes,
-- confirmed by the technician, read before the next visit.
create table equipment (
    tenant_id        uuid not null references tenants (id) on delete cascade,
    id               uuid not null default gen_random_uuid(),
    contact_id       uuid not null,
    type             text not null check (length(type) between 1 and 80),
    make             text check (length(make) between 1 and 80),
    model            text check (length(model) between 1 and 80),
    serial           text check (length(serial) between 1 and 80),
    install_year     smallint check (install_year between 1900 and 2100),
    location         text check (length(location) between 1 and 120),
    warranty_end     date,
    notes            text check (length(notes) <= 2000),
    source_ticket_id uuid,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade,
    foreign key (tenant_id, source_ticket_id) references tickets (tenant_id, id) on delete set null (source_ticket_id)
);
create index equipment_contact on equipment (tenant_id, contact_id, created_at);
call apply_tenant_policies('equipment', false);
call apply_row_triggers('equipment', true);

-- ---------------------------------------------------------------------------------------------
-- Outgoing work: scheduled messages and the transactional outbox
-- ---------------------------------------------------------------------------------------------

create table scheduled_messages (
    tenant_id      uuid not null references tenants (id) on delete cascade,
    id             uuid not null default gen_random_uuid(),
    message_type   text not null check (message_type in (
                       'appointment_confirmation', 'appointment_reminder', 'service_reminder',
                       'verification_code', 'invoice', 'payment_reminder', 'custom', 'reply',
                       'appointment_cancelled', 'appointment_moved', 'staff_alert', 'on_my_way', 'estimate')),
    channel        text not null check (channel in ('sms', 'email')),
    to_address     text not null,                 -- E.164 phone or email address
    contact_id     uuid,
    ticket_id      uuid,
    appointment_id uuid,
    invoice_id     uuid,
    payload        jsonb not null default '{}'::jsonb,   -- template context
    body           text,                                 -- rendered text, once rendered
    urgent         boolean not null default false,      -- urgent SMS ignore quiet hours
    scheduled_for  timestamptz not null,
    expires_at     timestamptz,                          -- not sent after this (a late reminder is dropped)
    status         text not null default 'pending'
                   check (status in ('pending', 'sent', 'recorded', 'cancelled', 'failed', 'expired', 'suppressed')),
    attempts       integer not null default 0,
    last_error     text,
    sent_at        timestamptz,
    provider_id    text,
    locked_until   timestamptz,                          -- a sender's lease; expired = claimable again
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete set null (contact_id),
    foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
    foreign key (tenant_id, appointment_id) references appointments (tenant_id, id),
    foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
);
create index scheduled_messages_due on scheduled_messages (scheduled_for) where status = 'pending';
create index scheduled_messages_to on scheduled_messages (tenant_id, to_address, created_at);
create index scheduled_messages_list on scheduled_messages (tenant_id, created_at, id);
create index scheduled_messages_appointment on scheduled_messages (tenant_id, appointment_id);
call apply_tenant_policies('scheduled_messages', false);
call apply_row_triggers('scheduled_messages', true);

create table outbox_events (
    tenant_id    uuid not null references tenants (id) on delete cascade,
    id           uuid not null default gen_random_uuid(),
    event_type   text not null check (event_type ~ '^[a-z_]+\.[a-z_]+$'),
    entity_id    uuid,
    payload      jsonb not null,
    actor        text not null default app_actor(),
    created_at   timestamptz not null default now(),
    processed_at timestamptz,                     -- set once fanned out to every endpoint
    primary key (tenant_id, id)
);
create index outbox_events_unprocessed on outbox_events (created_at) where processed_at is null;
call apply_tenant_policies('outbox_events', false);

-- ---------------------------------------------------------------------------------------------
-- Staff side: magic-link login, sessions, login rate limits, invoice immutability
-- ---------------------------------------------------------------------------------------------

-- A single-use login link: only the sha256 of its 256-bit token is stored.
create table magic_links (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null default gen_random_uuid(),
    staff_user_id uuid not null,
    token_hash    text not null check (token_hash ~ '^[0-9a-f]{64}$'),
    expires_at    timestamptz not null,
    used_at       timestamptz,
    created_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint magic_links_token_key unique (tenant_id, token_hash),
    foreign key (tenant_id, staff_user_id) references staff_users (tenant_id, id) on delete cascade
);
call apply_tenant_policies('magic_links', false);

-- A staff session; the cookie carries the tenant id and the raw token, the table its hash.
create table staff_sessions (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null default gen_random_uuid(),
    staff_user_id uuid not null,
    token_hash    text not null check (token_hash ~ '^[0-9a-f]{64}$'),
    csrf_token    text not null,
    expires_at    timestamptz not null,
    created_at    timestamptz not null default now(),
    last_seen_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint staff_sessions_token_key unique (tenant_id, token_hash),
    foreign key (tenant_id, staff_user_id) references staff_users (tenant_id, id) on delete cascade
);
call apply_tenant_policies('staff_sessions', false);

-- Login-link requests, for rate limits per address and per IP. A platform table (the address may
-- belong to no tenant): RLS with no policy, so the serving role sees nothing; only the admin
-- connection reads and writes it. The address is stored as a keyed hash, never in clear.
create table login_requests (
    id           bigint generated always as identity primary key,
    address_hash text not null,
    ip           text not null,
    created_at   timestamptz not null default now()
);
create index login_requests_address on login_requests (address_hash, created_at);
create index login_requests_ip on login_requests (ip, created_at);
alter table login_requests enable row level security;
alter table login_requests force row level security;

-- Invoice numbers (INV-00001) and estimate numbers (EST-00001), per tenant, under a row lock in the
-- inserting transaction.
create function assign_invoice_number() returns trigger
    language plpgsql as $$
declare
    n bigint;
begin
    if new.number is null or new.number = '' then
        insert into invoice_counters (tenant_id, kind, last_value) values (new.tenant_id, new.kind, 1)
        on conflict (tenant_id, kind) do update set last_value = invoice_counters.last_value + 1
        returning last_value into n;
        -- grows past 99999
        new.number := case new.kind when 'estimate' then 'EST-' else 'INV-' end
                      || lpad(n::text, greatest(5, length(n::text)), '0');
    end if;
    return new;
end $$;
create trigger assign_number before insert on invoices
    for each row execute function assign_invoice_number();

-- Once sent, an invoice changes only its status (sent -> paid or void, an estimate's sent -> accepted,
-- declined or void) and what records the settlement; the settled states are final. Its lines change
-- only while it is a draft.
create function forbid_sent_invoice_change() returns trigger
    language plpgsql as $$
declare
    settlement text[] := array['status', 'paid_at', 'voided_at', 'updated_at', 'payment_method',
                               'payment_reference', 'accepted_at', 'declined_at', 'accepted_ticket_id'];
begin
    if old.status = 'draft' then
        return new;
    end if;
    if old.status <> 'sent'
       or new.status = 'draft'
       or (to_jsonb(new) - settlement) <> (to_jsonb(old) - settlement) then
        raise exception 'invoice % is %', old.number, old.status
            using errcode = 'check_violation', constraint = 'invoices_sent_immutable';
    end if;
    return new;
end $$;
create trigger sent_immutable before update on invoices
    for each row execute function forbid_sent_invoice_change();

create function forbid_sent_invoice_lines() returns trigger
    language plpgsql as $$
declare
    inv record;
begin
    select status, number into inv from invoices
     where tenant_id = coalesce(new.tenant_id, old.tenant_id) and id = coalesce(new.invoice_id, old.invoice_id);
    if inv.status is not null and inv.status <> 'draft' then
        raise exception 'invoice % is %', inv.number, inv.status
            using errcode = 'check_violation', constraint = 'invoices_sent_immutable';
    end if;
    return coalesce(new, old);
end $$;
create trigger sent_immutable before insert or update or delete on invoice_lines
    for each row execute function forbid_sent_invoice_lines();

-- ---------------------------------------------------------------------------------------------
-- SMS: inbound webhook deliveries, de-duplicated on Twilio's MessageSid
-- ---------------------------------------------------------------------------------------------

create table sms_inbound (
    tenant_id    uuid not null references tenants (id) on delete cascade,
    id           uuid not null default gen_random_uuid(),
    message_sid  text not null check (message_sid ~ '^[A-Za-z0-9]{10,64}$'),
    from_phone   text not null,
    reply        text,                     -- the TwiML reply text, returned again on a retried delivery
    created_at   timestamptz not null default now(),
    replied_at   timestamptz,
    primary key (tenant_id, id),
    constraint sms_inbound_sid_key unique (tenant_id, message_sid)
);
call apply_tenant_policies('sms_inbound', false);

-- ---------------------------------------------------------------------------------------------
-- Messages and events: SMS opt-outs, webhook endpoints and their delivery log, audit redaction
-- ---------------------------------------------------------------------------------------------

-- A number that texted STOP (or that Twilio reported as unsubscribed, error 21610) gets no SMS.
create table sms_opt_outs (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    phone         text not null check (phone ~ '^\+[1-9][0-9]{6,14}$'),
    opted_out_at  timestamptz not null default now(),
    source        text not null default 'keyword' check (source in ('keyword', 'carrier', 'staff', 'api')),
    id            uuid not null default gen_random_uuid(),
    primary key (tenant_id, phone)
);
call apply_tenant_policies('sms_opt_outs', false);
call apply_row_triggers('sms_opt_outs', false);

-- No secret is stored: each endpoint's signing secret is HMAC(SECRET_KEY, tenant, id, secret_version),
-- recomputed when signing; bumping secret_version rotates it.
create table webhook_endpoints (
    tenant_id      uuid not null references tenants (id) on delete cascade,
    id             uuid not null default gen_random_uuid(),
    url            text not null check (url ~ '^https?://' and length(url) <= 2000),
    description    text check (length(description) <= 500),
    event_types    text[] not null default '{}',   -- empty: every event
    active         boolean not null default true,
    secret_version integer not null default 1,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (tenant_id, id)
);
call apply_tenant_policies('webhook_endpoints', false);
call apply_row_triggers('webhook_endpoints', true);

-- One row per (event, endpoint): the delivery log. Operational state, so not audited.
create table webhook_deliveries (
    tenant_id        uuid not null references tenants (id) on delete cascade,
    id               uuid not null default gen_random_uuid(),
    event_id         uuid not null,
    endpoint_id      uuid not null,
    status           text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null default now(),
    locked_until     timestamptz,                   -- a deliverer's lease; expired = claimable again
    last_status_code integer,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint webhook_deliveries_once unique (tenant_id, event_id, endpoint_id),
    foreign key (tenant_id, event_id) references outbox_events (tenant_id, id) on delete cascade,
    foreign key (tenant_id, endpoint_id) references webhook_endpoints (tenant_id, id) on delete cascade
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_endpoint on webhook_deliveries (tenant_id, endpoint_id, created_at);
call apply_tenant_policies('webhook_deliveries', false);

-- Erasure and retention must also scrub personal fields from the audit trail, which the serving
-- role cannot update. This function can, only inside the caller's tenant, and only removes fields.
create policy redact_personal_data on audit_log for update to current_user
    using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());

create function redact_audit_rows(entity_ids uuid[]) returns integer
    language plpgsql security definer set search_path = pg_catalog, public as $$
declare
    personal text[] := array['name', 'phone', 'email', 'notes', 'customer_name', 'customer_phone', 'title',
                             'description', 'service_address', 'preferred_time', 'closeout_notes', 'line1',
                             'city', 'postal_code', 'content', 'value', 'state', 'to_address', 'body', 'payload',
                             'comment', 'question', 'normalized', 'serial', 'location'];
    redacted integer;
begin
    if app_tenant() is null then
        raise exception 'redact_audit_rows needs a tenant context';
    end if;
    update audit_log
       set old_row = case when old_row is null then null else (old_row - personal) || '{"redacted": true}' end,
           new_row = case when new_row is null then null else (new_row - personal) || '{"redacted": true}' end
     where tenant_id = app_tenant() and entity_id = any(entity_ids);
    get diagnostics redacted = row_count;
    return redacted;
end $$;
revoke all on function redact_audit_rows(uuid[]) from public;
grant execute on function redact_audit_rows(uuid[]) to fieldbook_app;

-- ---------------------------------------------------------------------------------------------
-- Scheduling: one live appointment per ticket, calendar feed token lookup
-- ---------------------------------------------------------------------------------------------

-- A ticket has at most one live (booked) appointment; moving it is a reschedule, not a second booking.
create unique index appointments_one_live_per_ticket on appointments (tenant_id, ticket_id)
    where status = 'booked';
-- The iCalendar feed is fetched without an API key: its token (hashed) finds the technician.
create index technicians_calendar_token on technicians (calendar_token_hash)
    where calendar_token_hash is not null;
-- Range operators (&&) are not leakproof, so under RLS PostgreSQL cannot use them as index
-- conditions; plain timestamptz comparisons are. The bounds are stored as columns for that reason,
-- and an appointment is at most a day long, so "starts after from - 1 day" bounds the index scan.
alter table appointments
    add column starts_at timestamptz generated always as (lower(during)) stored,
    add column ends_at timestamptz generated always as (upper(during)) stored,
    add constraint appointments_max_length check (upper(during) - lower(during) <= interval '1 day');
-- ends_at is carried in the index so free-time reads are index-only scans; the gist index on
-- (tenant_id, during) that stood here once could not serve RLS-bound queries and only slowed every booking.
create index appointments_technician on appointments (tenant_id, technician_id, starts_at) include (ends_at)
    where status <> 'cancelled';
create index appointments_starts on appointments (tenant_id, starts_at) where status <> 'cancelled';

-- ---------------------------------------------------------------------------------------------
-- Agent: identity verification codes (a web caller proves a claimed phone with a code sent to it)
-- ---------------------------------------------------------------------------------------------

-- The code itself is never stored: code_hash is an HMAC keyed by the server secret, so neither this
-- table nor its audit rows let anyone recover a six-digit code by brute force.
create table verification_codes (
    tenant_id       uuid not null references tenants (id) on delete cascade,
    id              uuid not null default gen_random_uuid(),
    conversation_id uuid not null,
    phone           text not null check (phone ~ '^\+[1-9][0-9]{6,14}$'),
    code_hash       text not null,
    attempts        integer not null default 0 check (attempts between 0 and 5),
    expires_at      timestamptz not null,
    consumed_at     timestamptz,
    created_at      timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id) on delete cascade
);
create index verification_codes_conversation on verification_codes (tenant_id, conversation_id, created_at desc);
call apply_tenant_policies('verification_codes', false);
call apply_row_triggers('verification_codes', false);

-- ---------------------------------------------------------------------------------------------
-- Ticket status history (time in status, reopens, time to booked): one row per status a ticket enters
-- ---------------------------------------------------------------------------------------------

-- Written by a trigger on tickets, so every path that moves a status (REST, board, agent, the booking
-- statement, close-out) is recorded in the same transaction. Append-only for the serving role.
create table ticket_status_history (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    id          uuid not null default gen_random_uuid(),
    seq         bigint generated always as identity,     -- orders two changes in one transaction
    ticket_id   uuid not null,
    status      text not null,
    from_status text,
    changed_at  timestamptz not null default now(),
    actor       text not null default app_actor(),
    primary key (tenant_id, id),
    foreign key (tenant_id, ticket_id) references tickets (tenant_id, id) on delete cascade
);
create index ticket_status_history_ticket on ticket_status_history (tenant_id, ticket_id, changed_at, seq);
create index ticket_status_history_changed on ticket_status_history (tenant_id, changed_at);
call apply_tenant_policies('ticket_status_history', false);

-- A new ticket enters its first status when it was created; a change enters the new one now.
create function record_ticket_status() returns trigger
    language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into ticket_status_history (tenant_id, ticket_id, status, changed_at)
        values (new.tenant_id, new.id, new.status, new.created_at);
    elsif new.status is distinct from old.status then
        insert into ticket_status_history (tenant_id, ticket_id, status, from_status)
        values (new.tenant_id, new.id, new.status, old.status);
    end if;
    return null;
end $$;
create trigger status_history after insert or update of status on tickets
    for each row execute function record_ticket_status();

-- ---------------------------------------------------------------------------------------------
-- SLA policies: per urgency, how soon a ticket gets a first response, a technician on site, a resolution
-- ---------------------------------------------------------------------------------------------

create table sla_policies (
    tenant_id              uuid not null references tenants (id) on delete cascade,
    id                     uuid not null default gen_random_uuid(),
    urgency                text not null,
    first_response_minutes integer check (first_response_minutes between 1 and 525600),
    on_site_minutes        integer check (on_site_minutes between 1 and 525600),
    resolution_minutes     integer check (resolution_minutes between 1 and 525600),
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint sla_policies_urgency_key unique (tenant_id, urgency),
    foreign key (tenant_id, urgency) references urgency_levels (tenant_id, key) on update cascade on delete cascade
);
call apply_tenant_policies('sla_policies', false);
call apply_row_triggers('sla_policies', true);

-- ---------------------------------------------------------------------------------------------
-- Knowledge base: categories > sections > articles, revisions, feedback, unanswered questions
-- ---------------------------------------------------------------------------------------------

create table kb_categories (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    id          uuid not null default gen_random_uuid(),
    name        text not null check (length(name) between 1 and 200),
    slug        text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
    description text check (length(description) <= 2000),
    position    integer not null default 0,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint kb_categories_slug_key unique (tenant_id, slug)
);
call apply_tenant_policies('kb_categories', false);
call apply_row_triggers('kb_categories', true);

create table kb_sections (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    id          uuid not null default gen_random_uuid(),
    category_id uuid not null,
    name        text not null check (length(name) between 1 and 200),
    slug        text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
    description text check (length(description) <= 2000),
    position    integer not null default 0,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint kb_sections_slug_key unique (tenant_id, category_id, slug),
    foreign key (tenant_id, category_id) references kb_categories (tenant_id, id) on delete cascade
);
call apply_tenant_policies('kb_sections', false);
call apply_row_triggers('kb_sections', true);

-- `search` weighs the title (A) above the body (B), in the tenant's language (copied into
-- search_config by a trigger, since a generated column may only read its own row).
create table kb_articles (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null default gen_random_uuid(),
    section_id    uuid,
    title         text not null check (length(title) between 1 and 200),
    slug          text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
    body          text not null check (length(body) between 1 and 50000),
    status        text not null default 'draft' check (status in ('draft', 'published')),
    revision      integer not null default 1,
    published_at  timestamptz,
    search_config regconfig not null default 'english',
    search        tsvector generated always as (
                      setweight(to_tsvector(search_config, title), 'A') ||
                      setweight(to_tsvector(search_config, body), 'B')) stored,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    deleted_at    timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, section_id) references kb_sections (tenant_id, id) on delete set null (section_id)
);
create unique index kb_articles_slug_key on kb_articles (tenant_id, slug) where deleted_at is null;
create index kb_articles_search on kb_articles using gin (search) where deleted_at is null;
create index kb_articles_list on kb_articles (tenant_id, created_at, id) where deleted_at is null;
call apply_tenant_policies('kb_articles', true);
call apply_row_triggers('kb_articles', true);

create function kb_article_language() returns trigger
    language plpgsql as $$
begin
    new.search_config := (select search_language from tenants where id = new.tenant_id);
    return new;
end $$;
create trigger search_language before insert on kb_articles
    for each row execute function kb_article_language();

-- A business that changes its language has its articles re-indexed in the same transaction.
create function kb_reindex_articles() returns trigger
    language plpgsql as $$
begin
    update kb_articles set search_config = new.search_language where tenant_id = new.id;
    return null;
end $$;
create trigger kb_reindex after update of search_language on tenants
    for each row when (new.search_language is distinct from old.search_language)
    execute function kb_reindex_articles();

-- Every saved version of an article. Append-only for the serving role.
create table kb_article_revisions (
    tenant_id  uuid not null references tenants (id) on delete cascade,
    id         uuid not null default gen_random_uuid(),
    article_id uuid not null,
    number     integer not null check (number >= 1),
    title      text not null,
    body       text not null,
    note       text check (length(note) <= 500),
    author     text not null default app_actor(),
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint kb_article_revisions_number_key unique (tenant_id, article_id, number),
    foreign key (tenant_id, article_id) references kb_articles (tenant_id, id) on delete cascade
);
call apply_tenant_policies('kb_article_revisions', false);
call apply_row_triggers('kb_article_revisions', false);

create table kb_article_feedback (
    tenant_id  uuid not null references tenants (id) on delete cascade,
    id         uuid not null default gen_random_uuid(),
    article_id uuid not null,
    helpful    boolean not null,
    comment    text check (length(comment) <= 2000),
    source     text not null default 'api' check (source in ('api', 'staff', 'widget', 'agent')),
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, article_id) references kb_articles (tenant_id, id) on delete cascade
);
create index kb_article_feedback_article on kb_article_feedback (tenant_id, article_id, created_at);
call apply_tenant_policies('kb_article_feedback', false);
call apply_row_triggers('kb_article_feedback', false);

-- A customer question no published article answered; the same question counts up instead of repeating.
create table kb_gaps (
    tenant_id       uuid not null references tenants (id) on delete cascade,
    id              uuid not null default gen_random_uuid(),
    question        text not null check (length(question) between 1 and 500),
    normalized      text not null check (length(normalized) between 1 and 500),
    channel         text,
    conversation_id uuid,
    times_asked     integer not null default 1 check (times_asked >= 1),
    first_asked_at  timestamptz not null default now(),
    last_asked_at   timestamptz not null default now(),
    resolved_at     timestamptz,
    article_id      uuid,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id) on delete set null (conversation_id),
    foreign key (tenant_id, article_id) references kb_articles (tenant_id, id) on delete set null (article_id)
);
create unique index kb_gaps_open_key on kb_gaps (tenant_id, normalized) where resolved_at is null;
create index kb_gaps_asked on kb_gaps (tenant_id, last_asked_at);
call apply_tenant_policies('kb_gaps', false);
call apply_row_triggers('kb_gaps', true);

-- ---------------------------------------------------------------------------------------------
-- Satisfaction: one question by text after a completed visit, answered 1 to 5
-- ---------------------------------------------------------------------------------------------

create table satisfaction_surveys (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null default gen_random_uuid(),
    ticket_id     uuid not null,
    phone         text check (phone ~ '^\+[1-9][0-9]{6,14}$'),   -- null once erased
    technician_id uuid,
    message_id    uuid,
    score         smallint check (score between 1 and 5),
    comment       text check (length(comment) <= 1000),
    sent_at       timestamptz not null default now(),
    answered_at   timestamptz,
    alerted_at    timestamptz,                                   -- the owner was told of a low score
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint satisfaction_surveys_ticket_key unique (tenant_id, ticket_id),
    constraint satisfaction_surveys_answered check ((score is null) = (answered_at is null)),
    foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
    foreign key (tenant_id, technician_id) references technicians (tenant_id, id),
    foreign key (tenant_id, message_id) references scheduled_messages (tenant_id, id) on delete set null (message_id)
);
create index satisfaction_surveys_waiting on satisfaction_surveys (tenant_id, phone, sent_at desc)
    where answered_at is null;
create index satisfaction_surveys_answered_at on satisfaction_surveys (tenant_id, answered_at)
    where answered_at is not null;
call apply_tenant_policies('satisfaction_surveys', false);
call apply_row_triggers('satisfaction_surveys', true);

-- ---------------------------------------------------------------------------------------------
-- Staff inbox: assignment history, macros, saved views; ticket participants
-- ---------------------------------------------------------------------------------------------

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

-- ---------------------------------------------------------------------------------------------
-- Platform administration: keys for /admin/v1 (all tenants), read on the admin connection only
-- ---------------------------------------------------------------------------------------------

create table platform_keys (
    id         uuid primary key default gen_random_uuid(),
    name       text not null check (length(name) between 1 and 100),
    prefix     text not null,
    key_hash   text not null unique,   -- sha256 hex of the whole key
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);

-- ---------------------------------------------------------------------------------------------
-- Grants for the serving role. It owns nothing; audit_log is append-only for it.
-- ---------------------------------------------------------------------------------------------

grant usage on schema public to fieldbook_app;
grant select, insert, update, delete on all tables in schema public to fieldbook_app;
revoke insert, update, delete, truncate on schema_meta, schema_migrations from fieldbook_app;
revoke all on platform_keys from fieldbook_app;
revoke update, delete, truncate on audit_log from fieldbook_app;
revoke insert, delete, truncate on tenants from fieldbook_app;
-- soft-deleted business records are never hard-deleted by the application
revoke delete on contacts, services, tickets, line_items, invoices, notes, attachments from fieldbook_app;
-- histories are append-only
revoke update, delete, truncate on ticket_status_history, kb_article_revisions from fieldbook_app;
revoke delete on kb_articles from fieldbook_app;
grant usage on all sequences in schema public to fieldbook_app;
