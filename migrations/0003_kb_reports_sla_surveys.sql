-- Knowledge base, ticket status history, SLA policies and satisfaction surveys (issue 18).

alter table tenants add column search_language regconfig not null default 'english';

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

-- Default SLA policies for the urgency levels every business starts with; written before the audit
-- trigger exists, so the upgrade adds nothing to an existing business's audit trail.
insert into sla_policies (tenant_id, urgency, first_response_minutes, on_site_minutes, resolution_minutes)
select u.tenant_id, u.key, d.first_response, d.on_site, d.resolution
  from urgency_levels u
  join (values ('emergency', 15, 240, 1440), ('urgent', 60, 1440, 2880), ('normal', 240, 4320, 10080),
               ('scheduled', 1440, null, null)) as d (key, first_response, on_site, resolution) on d.key = u.key;
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

-- The status history of existing tickets, rebuilt from the audit trail: the status each was created
-- with, then every change the trigger-written audit rows recorded.
insert into ticket_status_history (tenant_id, ticket_id, status, from_status, changed_at, actor)
select t.tenant_id, t.id, coalesce(first_row.status, t.status), null, t.created_at, 'migration'
  from tickets t
  left join lateral (select a.new_row->>'status' as status from audit_log a
                      where a.tenant_id = t.tenant_id and a.entity_type = 'tickets' and a.entity_id = t.id
                        and a.action = 'create' order by a.id limit 1) first_row on true;
insert into ticket_status_history (tenant_id, ticket_id, status, from_status, changed_at, actor)
select a.tenant_id, a.entity_id, a.new_row->>'status', a.old_row->>'status', a.created_at, a.actor
  from audit_log a
  join tickets t on t.tenant_id = a.tenant_id and t.id = a.entity_id
 where a.entity_type = 'tickets' and a.action = 'update'
   and a.new_row->>'status' is distinct from a.old_row->>'status' and a.new_row ? 'status'
 order by a.tenant_id, a.id;

-- Erasure also scrubs the new personal fields (survey comments, customers' questions) from the audit trail.
create or replace function redact_audit_rows(entity_ids uuid[]) returns integer
    language plpgsql security definer set search_path = pg_catalog, public as $$
declare
    personal text[] := array['name', 'phone', 'email', 'notes', 'customer_name', 'customer_phone', 'title',
                             'description', 'service_address', 'preferred_time', 'closeout_notes', 'line1',
                             'city', 'postal_code', 'content', 'value', 'state', 'to_address', 'body', 'payload',
                             'comment', 'question', 'normalized'];
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

grant select, insert, update, delete on ticket_status_history, sla_policies, kb_categories, kb_sections,
    kb_articles, kb_article_revisions, kb_article_feedback, kb_gaps, satisfaction_surveys to fieldbook_app;
revoke update, delete, truncate on ticket_status_history, kb_article_revisions from fieldbook_app;
revoke delete on kb_articles from fieldbook_app;
grant usage on sequence ticket_status_history_seq_seq to fieldbook_app;
