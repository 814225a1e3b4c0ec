from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field


class Note(BaseModel):
    id: UUID
    contact_id: UUID | None
    ticket_id: UUID | None
    author: str
    content: str
    created_at: datetime
    updated_at: datetime


class NoteCreate(BaseModel):
    content: str = Field(min_length=1, max_length=20000)
