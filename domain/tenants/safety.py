"""The safety instruction the agent gives first when a customer describes a dangerous situation."""

from __future__ import annotations

from domain.tenants.models import Tenant

# Said before anything else for a gas smell, a carbon monoxide alarm, sparks or burning, water near electrics.
DEFAULT_SAFETY_TEXT = ("Safety first: if you smell gas, a carbon monoxide alarm is sounding, or you see sparks or "
                       "smoke, leave the building now and call 911 or your gas utility from outside.")


def safety_text(tenant: Tenant) -> str:
    """The business's safety instruction (the one place it is read), or the default text."""
    return tenant.safety_text or DEFAULT_SAFETY_TEXT
