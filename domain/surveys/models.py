"""A satisfaction survey: one question by text after a completed visit, answered 1 to 5."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

LOW_SCORE = 2          # this score or lower alerts the owner


class Survey(BaseModel):
    id: UUID
    ticket_id: UUID
    ticket_code: str
    technician_id: UUID | None
    score: int | None
    comment: str | None
    sent_at: datetime
    answered_at: datetime | None
    alerted_at: datetime | None


class SurveyAnswer(BaseModel):
    """What a customer's reply said: a score, and any words after it."""
    score: int
    comment: str | None
