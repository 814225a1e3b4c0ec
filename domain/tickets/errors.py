"""The ticket's own errors."""

from __future__ import annotations

from domain.errors import Conflict


class StepRequired(Conflict):
    """The change happens only through a workflow step (booking, clock-in, close-out, cancel), never by decree."""

    def __init__(self, step: str, message: str) -> None:
        super().__init__(message, code=f"{step.upper()}_REQUIRED")
        self.step = step

    def extra(self) -> dict:
        return {"step": self.step}


# target status -> (the step that leads there, how to take it)
STATUS_STEPS: dict[str, tuple[str, str]] = {
    "scheduled": ("booking", "A ticket is scheduled by booking an appointment (POST /api/v1/appointments)."),
    "in_progress": ("clock_in", "A job starts when its technician clocks in."),
    "completed": ("close_out", "A job is completed by its close-out (notes, attributes, invoice)."),
    "open": ("cancel_appointment", "A scheduled ticket reopens when its appointment is cancelled."),
    "cancelled": ("cancel", "Cancel the ticket with a reason (POST /api/v1/tickets/{ref}/cancel)."),
}


def step_required(status: str) -> StepRequired:
    step, message = STATUS_STEPS[status]
    return StepRequired(step, message)
