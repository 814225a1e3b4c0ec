"""`fieldbook chat`: talk to a tenant's agent in a terminal, through the same runner as the web and SMS."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from domain.clock import Clock
from domain.db import Database, admin_tx
from domain.phones import normalize_phone
from domain.tenants.service import find_by_slug
from fieldbook import demo
from fieldbook.settings import Settings

PROMPT = "you> "


async def run_chat(db: Database, settings: Settings, *, slug: str, phone: str | None,
                   lines: Iterable[str], write: Callable[[str], None]) -> int:
    """One conversation: each line is a customer message; with --phone the number counts as verified (like SMS)."""
    from fieldbook.app import build_runner

    async with admin_tx(db) as conn:
        tenant = await find_by_slug(conn, slug)
    if tenant is None and slug == demo.SLUG:
        tenant = (await demo.seed_demo(db, allowed_origins=[settings.public_url])).tenant
    if tenant is None:
        write(f"no tenant with slug {slug!r}")
        return 2
    clock = Clock(settings.fieldbook_clock)
    runner = build_runner(settings, db, clock)
    verified_phone = normalize_phone(phone, tenant.phone_region) if phone else None
    conversation = await runner.start(tenant, channel="sms" if verified_phone else "cli", phone=verified_phone,
                                      verified=verified_phone is not None)
    write(f"{tenant.name} ({runner.engine} engine). Type your message; an empty line or Ctrl-D ends.")
    for line in lines:
        text = line.strip()
        if not text or text.lower() in ("quit", "exit"):
            break
        reply = await runner.run_turn(tenant, conversation.id, text)
        write(f"agent> {reply.text or '(a team member has the conversation)'}")
    return 0


def terminal_lines() -> Iterable[str]:
    """Lines typed at the prompt until end of input."""
    while True:
        try:
            yield input(PROMPT)
        except EOFError:
            return
