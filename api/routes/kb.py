"""The knowledge base over REST: categories, sections, articles with revisions and feedback, search, gaps."""

from uuid import UUID

from fastapi import APIRouter, Path, Query, Response

from api.answers import errors
from api.deps import Api
from api.params import PageCursor, PageLimit
from domain.kb import articles, categories, feedback, gaps
from domain.kb.models import (NO_NUL, ArticleStatus, KbArticle, KbArticleCreate, KbArticleUpdate, KbCategory,
                              KbCategoryCreate, KbCategoryUpdate, KbFeedback, KbFeedbackCreate, KbGap, KbRevision,
                              KbRevisionCompare, KbSearchHit, KbSection, KbSectionCreate, KbSectionUpdate)
from domain.kb.search import search_articles
from domain.pagination import Page

router = APIRouter(prefix="/api/v1/kb", tags=["knowledge base"])
MAX_REVISION = 2**31 - 1
REVISION = Path(ge=1, le=MAX_REVISION, description="A revision number of the article")


@router.get("/categories")
async def list_categories(api: Api) -> Page[KbCategory]:
    async with api.tx() as conn:
        return Page(data=await categories.list_categories(conn))


@router.post("/categories", status_code=201, responses=errors(DUPLICATE_SLUG=409, INVALID_SLUG=422))
async def create_category(api: Api, body: KbCategoryCreate) -> KbCategory:
    """A category; `slug` defaults to the name, normalised (lower case, hyphens)."""
    async with api.tx() as conn:
        return await categories.create_category(conn, tenant_id=api.tenant.id, data=body)


@router.get("/categories/{category_id}", responses=errors(NOT_FOUND=404))
async def get_category(api: Api, category_id: UUID) -> KbCategory:
    async with api.tx() as conn:
        return await categories.get_category(conn, category_id=category_id)


@router.patch("/categories/{category_id}", responses=errors(NOT_FOUND=404, DUPLICATE_SLUG=409, INVALID_SLUG=422))
async def update_category(api: Api, category_id: UUID, body: KbCategoryUpdate) -> KbCategory:
    async with api.tx() as conn:
        return await categories.update_category(conn, category_id=category_id, data=body)


@router.delete("/categories/{category_id}", status_code=204, responses=errors(NOT_FOUND=404))
async def delete_category(api: Api, category_id: UUID) -> Response:
    """Deletes the category and its sections; their articles stay, without a section."""
    async with api.tx() as conn:
        await categories.delete_category(conn, category_id=category_id)
    return Response(status_code=204)


@router.get("/sections")
async def list_sections(api: Api, category_id: UUID | None = None) -> Page[KbSection]:
    async with api.tx() as conn:
        return Page(data=await categories.list_sections(conn, category_id=category_id))


@router.post("/sections", status_code=201, responses=errors(NOT_FOUND=404, DUPLICATE_SLUG=409, INVALID_SLUG=422))
async def create_section(api: Api, body: KbSectionCreate) -> KbSection:
    async with api.tx() as conn:
        return await categories.create_section(conn, tenant_id=api.tenant.id, data=body)


@router.get("/sections/{section_id}", responses=errors(NOT_FOUND=404))
async def get_section(api: Api, section_id: UUID) -> KbSection:
    async with api.tx() as conn:
        return await categories.get_section(conn, section_id=section_id)


@router.patch("/sections/{section_id}", responses=errors(NOT_FOUND=404, DUPLICATE_SLUG=409, INVALID_SLUG=422))
async def update_section(api: Api, section_id: UUID, body: KbSectionUpdate) -> KbSection:
    async with api.tx() as conn:
        return await categories.update_section(conn, section_id=section_id, data=body)


@router.delete("/sections/{section_id}", status_code=204, responses=errors(NOT_FOUND=404))
async def delete_section(api: Api, section_id: UUID) -> Response:
    async with api.tx() as conn:
        await categories.delete_section(conn, section_id=section_id)
    return Response(status_code=204)


@router.get("/articles")
async def list_articles(api: Api, status: ArticleStatus | None = None, section_id: UUID | None = None,
                        limit: PageLimit = 50, cursor: PageCursor = None) -> Page[KbArticle]:
    """Articles in creation order, drafts included unless `status` says otherwise."""
    async with api.tx() as conn:
        return await articles.list_articles(conn, status=status, section_id=section_id, limit=limit, cursor=cursor)


@router.post("/articles", status_code=201, responses=errors(NOT_FOUND=404, DUPLICATE_SLUG=409, INVALID_SLUG=422))
async def create_article(api: Api, body: KbArticleCreate) -> KbArticle:
    """An article (revision 1): a draft unless `status` is `published` (or `published` is true)."""
    async with api.tx() as conn:
        return await articles.create_article(conn, tenant_id=api.tenant.id, data=body)


@router.get("/articles/{article_id}", responses=errors(NOT_FOUND=404))
async def get_article(api: Api, article_id: UUID) -> KbArticle:
    async with api.tx() as conn:
        return await articles.get_article(conn, article_id=article_id)


@router.patch("/articles/{article_id}", responses=errors(NOT_FOUND=404, DUPLICATE_SLUG=409, INVALID_SLUG=422))
async def update_article(api: Api, article_id: UUID, body: KbArticleUpdate) -> KbArticle:
    """Changes what is sent; a new title or body becomes the next revision. `status` publishes or unpublishes."""
    async with api.tx() as conn:
        return await articles.update_article(conn, tenant_id=api.tenant.id, article_id=article_id, data=body)


@router.post("/articles/{article_id}/publish", responses=errors(NOT_FOUND=404))
async def publish_article(api: Api, article_id: UUID) -> KbArticle:
    """The article becomes visible to customers and the agent."""
    async with api.tx() as conn:
        return await articles.update_article(conn, tenant_id=api.tenant.id, article_id=article_id,
                                             data=KbArticleUpdate(status="published"))


@router.post("/articles/{article_id}/unpublish", responses=errors(NOT_FOUND=404))
async def unpublish_article(api: Api, article_id: UUID) -> KbArticle:
    """Back to draft: the agent stops answering from it at once."""
    async with api.tx() as conn:
        return await articles.update_article(conn, tenant_id=api.tenant.id, article_id=article_id,
                                             data=KbArticleUpdate(status="draft"))


@router.delete("/articles/{article_id}", status_code=204, responses=errors(NOT_FOUND=404))
async def delete_article(api: Api, article_id: UUID) -> Response:
    async with api.tx() as conn:
        await articles.delete_article(conn, tenant_id=api.tenant.id, article_id=article_id)
    return Response(status_code=204)


@router.get("/articles/{article_id}/revisions", responses=errors(NOT_FOUND=404))
async def list_revisions(api: Api, article_id: UUID) -> Page[KbRevision]:
    """Every saved version, newest first."""
    async with api.tx() as conn:
        return Page(data=await articles.list_revisions(conn, article_id=article_id))


@router.get("/articles/{article_id}/revisions/compare", responses=errors(NOT_FOUND=404, REVISION_NOT_FOUND=404))
async def compare_revisions(api: Api, article_id: UUID, from_: int = Query(alias="from", ge=1, le=MAX_REVISION),
                            to: int = Query(ge=1, le=MAX_REVISION)) -> KbRevisionCompare:
    """A unified diff between two revisions."""
    async with api.tx() as conn:
        return await articles.compare_revisions(conn, article_id=article_id, from_number=from_, to_number=to)


@router.get("/articles/{article_id}/revisions/{number}", responses=errors(NOT_FOUND=404, REVISION_NOT_FOUND=404))
async def get_revision(api: Api, article_id: UUID, number: int = REVISION) -> KbRevision:
    async with api.tx() as conn:
        return await articles.get_revision(conn, article_id=article_id, number=number)


@router.post("/articles/{article_id}/revisions/{number}/restore", responses=errors(NOT_FOUND=404, REVISION_NOT_FOUND=404))
async def restore_revision(api: Api, article_id: UUID, number: int = REVISION) -> KbArticle:
    """The article as it was in that revision, saved as a new revision."""
    async with api.tx() as conn:
        return await articles.restore_revision(conn, tenant_id=api.tenant.id, article_id=article_id, number=number)


@router.get("/articles/{article_id}/feedback", responses=errors(NOT_FOUND=404))
async def list_feedback(api: Api, article_id: UUID) -> Page[KbFeedback]:
    async with api.tx() as conn:
        return Page(data=await feedback.list_feedback(conn, article_id=article_id))


@router.post("/articles/{article_id}/feedback", status_code=201, responses=errors(NOT_FOUND=404))
async def add_feedback(api: Api, article_id: UUID, body: KbFeedbackCreate) -> KbFeedback:
    """Helpful or not, with an optional comment."""
    async with api.tx() as conn:
        return await feedback.add_feedback(conn, tenant_id=api.tenant.id, article_id=article_id, data=body,
                                           source="api")


@router.get("/search")
async def search(api: Api, q: str = Query(min_length=1, max_length=300, pattern=NO_NUL),
                 include_drafts: bool = False, limit: int = Query(10, ge=1, le=50)) -> Page[KbSearchHit]:
    """Published articles matching the words of `q` in the business's language, best first."""
    async with api.tx() as conn:
        return Page(data=await search_articles(conn, query=q, published_only=not include_drafts, limit=limit))


@router.get("/gaps")
async def list_gaps(api: Api, include_resolved: bool = False) -> Page[KbGap]:
    """Questions customers asked that no published article answered, most asked first."""
    async with api.tx() as conn:
        return Page(data=await gaps.list_gaps(conn, include_resolved=include_resolved))


@router.post("/gaps/{gap_id}/resolve", responses=errors(NOT_FOUND=404, UNKNOWN_REFERENCE=404))
async def resolve_gap(api: Api, gap_id: UUID, article_id: UUID | None = None) -> KbGap:
    async with api.tx() as conn:
        return await gaps.resolve_gap(conn, gap_id=gap_id, article_id=article_id, now=api.clock.now())
