-- Issue 14: a new business goes live without SQL.
-- The business's own texts and invoice details on the tenant row, and closures (holidays) that close
-- the business for everyone on a local date.

alter table tenants
    add column safety_text     text check (length(safety_text) between 1 and 1000),
    add column invoice_address text check (length(invoice_address) between 1 and 500),
    add column tax_number      text check (length(tax_number) between 1 and 60);

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

grant select, insert, update, delete on business_closures to fieldbook_app;
