"""Knowledge base models: categories > sections > articles, revisions, feedback, gaps, search hits."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AliasChoices, BaseModel, Field, StringConstraints, computed_field, model_validator

from domain.fields import JsonBool, json_int

ArticleStatus = Literal["draft", "published"]
FeedbackSource = Literal["api", "staff", "widget", "agent"]


# PostgreSQL text cannot hold NUL: refused at validation (422) and said so in the schema, never a 500 at insert
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(pattern=NO_NUL)]
SlugText = Annotated[str, StringConstraints(max_length=120, pattern=r"^[^\x00]*[A-Za-z0-9][^\x00]*$"),
                     Field(description="Any words with a letter or digit; stored normalised (lower case, hyphens)")]


class KbCategory(BaseModel):
    id: UUID
    name: str
    slug: str
    description: str | None
    position: int
    created_at: datetime
    updated_at: datetime


class KbCategoryCreate(BaseModel):
    name: Text = Field(min_length=1, max_length=200)
    slug: SlugText | None = None
    description: Text | None = Field(None, max_length=2000)
    position: json_int(0, 10000) = 0


class KbCategoryUpdate(BaseModel):
    name: Text | None = Field(None, min_length=1, max_length=200)
    slug: SlugText | None = None
    description: Text | None = Field(None, max_length=2000)
    position: json_int(0, 10000) | None = None


class KbSection(BaseModel):
    id: UUID
    category_id: UUID
    name: str
    slug: str
    description: str | None
    position: int
    created_at: datetime
    updated_at: datetime


class KbSectionCreate(KbCategoryCreate):
    category_id: UUID


class KbSectionUpdate(KbCategoryUpdate):
    category_id: UUID | None = None


class KbArticle(BaseModel):
    id: UUID
    section_id: UUID | None
    title: str
    slug: str
    body: str
    status: ArticleStatus
    revision: int
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


class KbArticleCreate(BaseModel):
    title: Text = Field(min_length=1, max_length=200)
    body: Text = Field(min_length=1, max_length=50000, validation_alias=AliasChoices("body", "content"),
                       description="The article's text (also accepted as `content`)")
    slug: SlugText | None = Field(None, description="Default: from the title")
    section_id: UUID | None = None
    status: ArticleStatus = "draft"
    published: JsonBool | None = Field(None, description="Shorthand: true publishes at once (status published)")

    @model_validator(mode="after")
    def _published_shorthand(self) -> KbArticleCreate:
        if self.published is not None:
            self.status = "published" if self.published else "draft"
        return self


class KbArticleUpdate(BaseModel):
    """Fields to change; a new title or body is saved as a new revision."""
    title: Text | None = Field(None, min_length=1, max_length=200)
    body: Text | None = Field(None, min_length=1, max_length=50000, validation_alias=AliasChoices("body", "content"))
    slug: SlugText | None = None
    section_id: UUID | None = None
    status: ArticleStatus | None = None
    published: JsonBool | None = Field(None, description="Shorthand for status published (true) or draft (false)")
    note: Text | None = Field(None, max_length=500, description="What changed, kept with the revision")

    @model_validator(mode="after")
    def _published_shorthand(self) -> KbArticleUpdate:
        if self.published is not None:
            self.status = "published" if self.published else "draft"
        return self


class KbRevision(BaseModel):
    id: UUID
    article_id: UUID
    number: int
    title: str
    body: str
    note: str | None
    author: str
    created_at: datetime


class KbRevisionCompare(BaseModel):
    article_id: UUID
    from_number: int
    to_number: int
    title_changed: bool
    diff: str = Field(description="Unified diff of title and body")


class KbFeedback(BaseModel):
    id: UUID
    article_id: UUID
    helpful: bool
    comment: str | None
    source: FeedbackSource
    created_at: datetime


class KbFeedbackCreate(BaseModel):
    helpful: JsonBool
    comment: Text | None = Field(None, max_length=2000)


class KbFeedbackSummary(BaseModel):
    helpful: int
    not_helpful: int


class KbGap(BaseModel):
    id: UUID
    question: str
    channel: str | None
    conversation_id: UUID | None
    times_asked: int
    first_asked_at: datetime
    last_asked_at: datetime
    resolved_at: datetime | None
    article_id: UUID | None


class KbSearchHit(BaseModel):
    """A published (or, for staff, any) article matching a query, with the sentences that match best."""
    id: UUID
    title: str
    slug: str
    status: ArticleStatus
    rank: float
    query_words: int = Field(description="Words of the query that count (the language's stop words dropped)")
    matched_words: int = Field(description="How many of them the article has")
    title_words: int = Field(description="How many of them its title has")
    excerpt: str = Field(description="The article's own sentences that match the query best")

    @computed_field
    @property
    def coverage(self) -> float:
        """Share of the query's words found in the article, 0 to 1."""
        return round(self.matched_words / self.query_words, 4) if self.query_words else 0.0
