from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field


class ServiceCategory(BaseModel):
    id: UUID
    key: str
    name: str
    description: str | None
    synonyms: list[str]
    sort_order: int
    active: bool


class ServiceCategoryCreate(BaseModel):
    key: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9 _-]{0,39}$")
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    synonyms: list[str] = Field(default_factory=list)
    sort_order: int = 0


class UrgencyLevel(BaseModel):
    id: UUID
    key: str
    name: str
    description: str | None
    window_start_hours: int
    window_end_hours: int | None
    sort_order: int
