"""What the business says about itself: hours, service area, prices from the catalog."""

from __future__ import annotations

import re

from pydantic_ai import RunContext

from domain.catalog.service import list_services
from domain.tenants.models import WEEKDAYS
from tools.deps import AgentDeps
from tools.models import BusinessInfo, PriceItem

DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))


def _price(service) -> str:
    if service.pricing_type == "fixed":
        return f"${service.price:,.2f}"
    if service.pricing_type == "per_unit":
        return f"${service.unit_price:,.2f} per {service.unit_label or 'unit'}"
    return f"from ${service.price:,.2f}, quoted on site" if service.price is not None else "quoted on site"


def clock_label(moment) -> str:
    """'9:00 AM'."""
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def hours_lines(deps: AgentDeps) -> list[str]:
    """'Monday: 9:00 AM-8:00 PM' per day, 'closed' for days without hours."""
    lines = []
    for day in WEEKDAYS:
        spans = deps.tenant.business_hours.get(day) or []
        text = ", ".join(f"{clock_label(start)}-{clock_label(end)}" for start, end in spans)
        lines.append(f"{DAY_NAMES[day]}: {text or 'closed'}")
    return lines


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2}


async def business_info(ctx: RunContext[AgentDeps], service: str | None = None) -> BusinessInfo:
    """The business's opening hours, service area and catalog prices.

    Args:
        service: Words to narrow the price list ("drain", "outlet"); omit for all prices.
    """
    deps = ctx.deps
    deps.tool_calls.append("business_info")
    async with deps.tx() as conn:
        services = await list_services(conn)
    words = _stems(service or "")
    chosen = [s for s in services if words & _stems(f"{s.name} {s.category or ''}")]
    return BusinessInfo(business=deps.tenant.name, hours=hours_lines(deps), service_area=deps.tenant.service_area,
                        prices=[PriceItem(service=s.name, price=_price(s)) for s in (chosen or services)])
