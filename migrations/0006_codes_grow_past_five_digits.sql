-- Ticket codes and invoice numbers grow past five digits: lpad(n, 5) truncated 100000 to '10000', so
-- the 100,000th ticket got TASK-10000 again and its insert failed as a duplicate.
create or replace function assign_ticket_code() returns trigger
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

create or replace function assign_invoice_number() returns trigger
    language plpgsql as $$
declare
    n bigint;
begin
    if new.number is null or new.number = '' then
        insert into invoice_counters (tenant_id, last_value) values (new.tenant_id, 1)
        on conflict (tenant_id) do update set last_value = invoice_counters.last_value + 1
        returning last_value into n;
        new.number := 'INV-' || lpad(n::text, greatest(5, length(n::text)), '0');  -- grows past 99999
    end if;
    return new;
end $$;
