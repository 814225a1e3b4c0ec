from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

AttachmentKind = Literal["before", "after", "label", "other"]
KINDS: dict[str, str] = {"before": "Before", "after": "After", "label": "Equipment label", "other": "Other"}


class Attachment(BaseModel):
    id: UUID
    ticket_id: UUID
    kind: AttachmentKind
    filename: str
    content_type: str
    size_bytes: int
    storage_key: str
    thumbnail_key: str | None
    uploaded_by: str
    created_at: datetime
