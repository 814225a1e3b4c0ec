-- Records every migration step that ran, beside schema_meta's current version.
create table schema_migrations (
    version    integer primary key,
    name       text not null,
    applied_at timestamptz not null default now()
);
grant select on schema_migrations to fieldbook_app;
insert into schema_migrations (version, name, applied_at) select 1, 'initial', applied_at from schema_meta;
