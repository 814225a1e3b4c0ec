from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field, field_validator

from domain.fields import INT4_MAX, json_int


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
    synonyms: list[str] = Field(default_factory=list, max_length=200)
    sort_order: json_int(-INT4_MAX - 1, INT4_MAX) = 0   # PostgreSQL integer: larger was a 500

    @field_validator("synonyms")
    @classmethod
    def _synonyms(cls, value: list[str]) -> list[str]:
        return clean_synonyms(value)


class ServiceCategoryUpdate(BaseModel):
    """Any of these; a field left out keeps its value (the key never changes: tickets refer to it)."""
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    synonyms: list[str] | None = Field(None, max_length=200)
    sort_order: json_int(-INT4_MAX - 1, INT4_MAX) | None = None
    active: bool | None = None

    @field_validator("synonyms")
    @classmethod
    def _synonyms(cls, value: list[str] | None) -> list[str] | None:
        return clean_synonyms(value) if value is not None else None


def clean_synonyms(values: list[str]) -> list[str]:
    """Lower case, single spaces, no blanks or repeats: the form the agent's matching compares."""
    out: list[str] = []
    for value in values:
        word = " ".join(value.lower().split())
        if len(word) > 60:
            raise ValueError("a synonym is at most 60 characters")
        if word and word not in out:
            out.append(word)
    return out


class UrgencyLevel(BaseModel):
    id: UUID
    key: str
    name: str
    description: str | None
    window_start_hours: int
    window_end_hours: int | None
    sort_order: int
