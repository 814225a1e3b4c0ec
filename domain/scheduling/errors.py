"""Scheduling errors that carry the next bookable options."""

from __future__ import annotations

from domain.errors import Conflict
from domain.scheduling.models import AppointmentOption


class _WithAlternatives(Conflict):
    def __init__(self, message: str, alternatives: list[AppointmentOption]) -> None:
        super().__init__(message)
        self.alternatives = alternatives

    def extra(self) -> dict:
        return {"alternatives": [a.model_dump(mode="json") for a in self.alternatives]}


class SlotTaken(_WithAlternatives):
    """The time overlaps another live appointment (possibly booked a moment ago)."""
    code = "SLOT_TAKEN"

    def __init__(self, alternatives: list[AppointmentOption]) -> None:
        super().__init__("That time was just taken.", alternatives)


class SlotUnavailable(_WithAlternatives):
    """The time is outside the technician's working hours, in time off, or outside the horizon."""
    code = "SLOT_UNAVAILABLE"

    def __init__(self, message: str, alternatives: list[AppointmentOption]) -> None:
        super().__init__(message, alternatives)
