"""`fieldbook chat`: a terminal conversation through the same runner."""

from __future__ import annotations

from fieldbook.chat import run_chat
from fieldbook.cli import build_parser


async def test_terminal_conversation_as_a_verified_number(db, settings, demo):
    out: list[str] = []
    code = await run_chat(db, settings.model_copy(update={"fieldbook_clock": None}), slug="demo",
                          phone="416-555-9876", lines=["What are your hours?", "quit", "never sent"], write=out.append)
    assert code == 0
    assert out[0].startswith("Maple Leaf Home Services (guided engine)")
    assert out[1].startswith("agent> Welcome back, Sarah!") and "9:00 AM to 8:00 PM" in out[1]
    assert len(out) == 2


async def test_unknown_tenant(db, settings):
    out: list[str] = []
    assert await run_chat(db, settings, slug="nobody", phone=None, lines=[], write=out.append) == 2
    assert out == ["no tenant with slug 'nobody'"]


def test_parser():
    args = build_parser().parse_args(["chat", "--phone", "+14165559876"])
    assert (args.tenant, args.phone) == ("demo", "+14165559876")
