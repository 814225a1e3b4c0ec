"""How the widget presents the business: its name and greeting."""

from __future__ import annotations

from domain.tenants.models import Tenant


def greeting(tenant: Tenant) -> str:
    """The first line of a new conversation, before the customer writes anything."""
    return (f"Hi! Welcome to {tenant.name}. I can book a technician or answer questions about our hours, "
            f"service area and prices. How can we help?")
