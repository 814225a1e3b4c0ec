"""How the widget presents the business: its name and greeting."""

from __future__ import annotations

from domain.tenants.models import Tenant


def greeting(tenant: Tenant) -> str:
    """The first line of a new conversation, before the customer writes anything: the owner's own words
    (settings), or a welcome with the business's name."""
    if tenant.widget_greeting:
        return tenant.widget_greeting
    return (f"Hi! Welcome to {tenant.name}. I can book a technician or answer questions about our hours, "
            f"service area and prices. How can we help?")
