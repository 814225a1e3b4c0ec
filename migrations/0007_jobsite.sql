-- Issue 16: the technician's job site, the customer's equipment, and getting paid.
-- Tax rates and taxed lines, free-form parts, estimates, payment method and reference, job
-- attachments, customer equipment, the "on my way" and estimate messages.

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

alter table line_items add column tax_rate_id uuid,
    add foreign key (tenant_id, tax_rate_id) references tax_rates (tenant_id, id);

alter table invoice_counters add column kind text not null default 'invoice' check (kind in ('invoice', 'estimate'));
alter table invoice_counters drop constraint invoice_counters_pkey, add primary key (tenant_id, kind);

alter table invoices drop constraint invoices_status_check;
alter table invoices add constraint invoices_status_check
    check (status in ('draft', 'sent', 'paid', 'void', 'accepted', 'declined'));
alter table invoices
    add column kind text not null default 'invoice' check (kind in ('invoice', 'estimate')),
    add column subtotal_amount numeric(12, 2) not null default 0 check (subtotal_amount >= 0),
    add column tax_amount numeric(12, 2) not null default 0 check (tax_amount >= 0),
    add column title text check (length(title) <= 200),
    add column category text,
    add column payment_method text check (payment_method in ('cash', 'cheque', 'card', 'e_transfer', 'bank_transfer', 'other')),
    add column payment_reference text check (length(payment_reference) <= 200),
    add column accepted_at timestamptz,
    add column declined_at timestamptz,
    add column accepted_ticket_id uuid,
    add constraint invoices_kind_status check (
        (kind = 'invoice' and status in ('draft', 'sent', 'paid', 'void'))
        or (kind = 'estimate' and status in ('draft', 'sent', 'accepted', 'declined', 'void'))),
    add foreign key (tenant_id, category) references service_categories (tenant_id, key) on update cascade,
    add foreign key (tenant_id, accepted_ticket_id) references tickets (tenant_id, id);
create index invoices_due on invoices (tenant_id, due_at) where status = 'sent' and deleted_at is null;

alter table invoice_lines
    add column tax_name text check (length(tax_name) <= 60),
    add column tax_percent numeric(6, 3) not null default 0 check (tax_percent >= 0 and tax_percent < 100),
    add column tax_amount numeric(12, 2) generated always as (round(quantity * unit_price * tax_percent / 100, 2)) stored;

-- existing invoices carried no tax: their subtotal is their total. A backfill, not a change to them: no
-- audit row, no new updated_at, and sent invoices (immutable to the application) take it too.
alter table invoices disable trigger user;
update invoices set subtotal_amount = total_amount;
alter table invoices enable trigger user;

-- Invoice numbers (INV-00001) and estimate numbers (EST-00001), per tenant, under a row lock in the
-- inserting transaction.
create or replace function assign_invoice_number() returns trigger
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

-- Once sent, an invoice changes only its status (sent -> paid or void, an estimate's sent -> accepted,
-- declined or void) and what records the settlement; the settled states are final. Its lines change
-- only while it is a draft.
create or replace function forbid_sent_invoice_change() returns trigger
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

alter table scheduled_messages drop constraint scheduled_messages_message_type_check;
alter table scheduled_messages add constraint scheduled_messages_message_type_check check (message_type in (
    'appointment_confirmation', 'appointment_reminder', 'service_reminder',
    'verification_code', 'invoice', 'payment_reminder', 'custom', 'reply',
    'appointment_cancelled', 'appointment_moved', 'staff_alert', 'on_my_way', 'estimate'));

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

grant select, insert, update, delete on tax_rates, attachments, equipment to fieldbook_app;
revoke delete on attachments from fieldbook_app;

-- erasure also scrubs equipment serials and locations from the audit trail
create or replace function redact_audit_rows(entity_ids uuid[]) returns integer
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
