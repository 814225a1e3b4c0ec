"""What we text back: carrier keywords first, then the agent in the sender's SMS conversation."""

from __future__ import annotations

from fastapi import FastAPI

from agent.runner import AgentRunner
from domain.db import tenant_tx
from domain.messages.optouts import is_opted_out, opt_in, opt_out
from domain.surveys.service import take_reply
from domain.tenants.models import Tenant
from sms.keywords import classify
from sms.segments import fit_two_segments


def stop_reply(tenant: Tenant) -> str:
    return f"You're unsubscribed from {tenant.name} texts and will get no more messages. Reply START to resubscribe."


def start_reply(tenant: Tenant) -> str:
    return f"You're resubscribed to {tenant.name} texts. Reply STOP to unsubscribe, HELP for help."


def help_reply(tenant: Tenant) -> str:
    return (f"{tenant.name}: text us what you need and when, and we'll book a technician. "
            "Reply STOP to unsubscribe. Msg & data rates may apply.")


async def answer(app: FastAPI, tenant: Tenant, sender: str, body: str) -> str:
    """The reply text ('' for none) to one inbound SMS from `sender` (E.164, verified by the carrier)."""
    keyword = classify(body)
    async with tenant_tx(app.state.db.app_pool, tenant.id, "sms") as conn:
        opted_out = await is_opted_out(conn, phone=sender)
        if keyword == "stop":
            await opt_out(conn, tenant_id=tenant.id, phone=sender, source="keyword")
            return stop_reply(tenant)
        if keyword == "start" and opted_out:
            await opt_in(conn, phone=sender)
            return start_reply(tenant)
        if keyword == "help":
            return help_reply(tenant)
        if opted_out:   # they asked for silence; only START lifts it
            return ""
        # a score ("4") answering the satisfaction survey sent after a visit; never the booking agent's
        thanks = await take_reply(conn, tenant=tenant, phone=sender, text=body, now=app.state.clock.now())
        if thanks is not None:
            return thanks
    runner: AgentRunner = app.state.agent_runner
    conversation = await runner.sms_conversation(tenant, sender)
    reply = await runner.run_turn(tenant, conversation.id, body)
    return fit_two_segments(reply.text) if reply.text else ""
