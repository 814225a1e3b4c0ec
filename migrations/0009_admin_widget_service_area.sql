-- Issue 14: platform administration (all tenants) apart from each tenant's own API; the widget's look;
-- the service area's places the agent checks.
-- A suspended business's widget, SMS and API answer that the service is unavailable; platform keys
-- are read on the admin connection only (the serving role has no grant on them).

alter table tenants
    add column suspended_at    timestamptz,
    add column widget_color    text not null default '#1f5fbf' check (widget_color ~ '^#[0-9a-fA-F]{6}$'),
    add column widget_greeting text check (length(widget_greeting) between 1 and 300),
    -- cities or postal-code prefixes the agent checks an address against before offering times
    add column service_area_places text[] not null default '{}';

create table platform_keys (
    id         uuid primary key default gen_random_uuid(),
    name       text not null check (length(name) between 1 and 100),
    prefix     text not null,
    key_hash   text not null unique,   -- sha256 hex of the whole key
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
