"""The knowledge-base editor for owners and dispatchers: articles, revisions, categories, gaps."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel, ValidationError

from domain.errors import Invalid
from domain.kb import articles, categories, feedback, gaps
from domain.kb.models import KbArticleCreate, KbArticleUpdate, KbCategoryCreate, KbSectionCreate
from domain.kb.search import search_articles
from staff.web import Form, Staff, redirect, render

router = APIRouter(prefix="/staff/kb", include_in_schema=False)


def _checked(model, **fields):
    """The form's fields as `model`, or a 422 page naming what is wrong."""
    try:
        return model(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise Invalid(f"{where}: {first.get('msg')}", code="VALIDATION_ERROR") from None


def _section_id(form: dict[str, str]) -> UUID | None:
    value = form.get("section_id", "").strip()
    return _checked(_Ref, id=value).id if value else None


@router.get("")
async def index(request: Request, staff: Staff, q: str | None = None):
    """Every article (drafts too), the shelves, what customers asked that nothing answered, a search preview."""
    staff.require_dispatch()
    async with staff.tx() as conn:
        page = await articles.list_articles(conn, limit=200)
        shelves = await categories.list_categories(conn)
        sections = await categories.list_sections(conn)
        open_gaps = await gaps.list_gaps(conn)
        hits = await search_articles(conn, query=q[:300], published_only=False) if q else []
    return render(request, "kb.html", staff=staff, articles=page.data, categories=shelves, sections=sections,
                  gaps=open_gaps, q=q or "", hits=hits)


@router.get("/articles/new")
async def new_article(request: Request, staff: Staff, question: str | None = None):
    staff.require_dispatch()
    async with staff.tx() as conn:
        sections = await categories.list_sections(conn)
    return render(request, "kb_article.html", staff=staff, article=None, sections=sections, revisions=[],
                  votes=None, title=(question or "")[:200])


@router.post("/articles")
async def create_article(staff: Staff, form: Form):
    staff.require_dispatch()
    data = _checked(KbArticleCreate, title=form.get("title", "").strip(), body=form.get("body", "").strip(),
                    slug=form.get("slug") or None, section_id=_section_id(form),
                    status="published" if form.get("publish") else "draft")
    async with staff.tx() as conn:
        article = await articles.create_article(conn, tenant_id=staff.tenant.id, data=data)
    return redirect(f"/staff/kb/articles/{article.id}")


@router.get("/articles/{article_id}")
async def article_page(request: Request, staff: Staff, article_id: UUID):
    """The editor: the text, its revisions with compare and restore, and readers' feedback."""
    staff.require_dispatch()
    async with staff.tx() as conn:
        article = await articles.get_article(conn, article_id=article_id)
        sections = await categories.list_sections(conn)
        revisions = await articles.list_revisions(conn, article_id=article_id)
        votes = await feedback.feedback_summary(conn, article_id=article_id)
        comments = [f for f in await feedback.list_feedback(conn, article_id=article_id) if f.comment]
    return render(request, "kb_article.html", staff=staff, article=article, sections=sections, revisions=revisions,
                  votes=votes, comments=comments, title=article.title)


@router.post("/articles/{article_id}")
async def save_article(staff: Staff, form: Form, article_id: UUID):
    """Saves the text (a new revision when it changed); the button pressed may publish or unpublish."""
    staff.require_dispatch()
    action = form.get("action", "save")
    status = {"publish": "published", "unpublish": "draft"}.get(action)
    data = _checked(KbArticleUpdate, title=form.get("title", "").strip(), body=form.get("body", "").strip(),
                    section_id=_section_id(form), note=form.get("note", "").strip() or None, status=status,
                    **({"slug": form["slug"]} if form.get("slug") else {}))
    async with staff.tx() as conn:
        await articles.update_article(conn, tenant_id=staff.tenant.id, article_id=article_id, data=data)
    return redirect(f"/staff/kb/articles/{article_id}")


@router.post("/articles/{article_id}/delete")
async def delete_article(staff: Staff, form: Form, article_id: UUID):
    staff.require_dispatch()
    async with staff.tx() as conn:
        await articles.delete_article(conn, tenant_id=staff.tenant.id, article_id=article_id)
    return redirect("/staff/kb")


@router.get("/articles/{article_id}/compare")
async def compare(request: Request, staff: Staff, article_id: UUID, start: int = 1, end: int | None = None):
    """Two revisions side by side as a diff (default: the first against the current one)."""
    staff.require_dispatch()
    async with staff.tx() as conn:
        article = await articles.get_article(conn, article_id=article_id)
        diff = await articles.compare_revisions(conn, article_id=article_id, from_number=start,
                                                to_number=end or article.revision)
    return render(request, "kb_compare.html", staff=staff, article=article, diff=diff)


@router.post("/articles/{article_id}/revisions/{number}/restore")
async def restore(staff: Staff, form: Form, article_id: UUID, number: int):
    staff.require_dispatch()
    async with staff.tx() as conn:
        await articles.restore_revision(conn, tenant_id=staff.tenant.id, article_id=article_id, number=number)
    return redirect(f"/staff/kb/articles/{article_id}")


@router.post("/categories")
async def add_category(staff: Staff, form: Form):
    staff.require_dispatch()
    data = _checked(KbCategoryCreate, name=form.get("name", "").strip(), description=form.get("description") or None)
    async with staff.tx() as conn:
        await categories.create_category(conn, tenant_id=staff.tenant.id, data=data)
    return redirect("/staff/kb#shelves")


@router.post("/sections")
async def add_section(staff: Staff, form: Form):
    staff.require_dispatch()
    data = _checked(KbSectionCreate, name=form.get("name", "").strip(), category_id=form.get("category_id", ""))
    async with staff.tx() as conn:
        await categories.create_section(conn, tenant_id=staff.tenant.id, data=data)
    return redirect("/staff/kb#shelves")


@router.post("/gaps/{gap_id}/resolve")
async def resolve_gap(staff: Staff, form: Form, gap_id: UUID):
    staff.require_dispatch()
    async with staff.tx() as conn:
        await gaps.resolve_gap(conn, gap_id=gap_id, article_id=None, now=staff.clock.now())
    return redirect("/staff/kb#gaps")


class _Ref(BaseModel):
    id: UUID
