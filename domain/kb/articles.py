"""Articles: drafts and published answers, each save kept as a revision (history, compare, restore)."""

from __future__ import annotations

import difflib
from uuid import UUID

from psycopg import AsyncConnection

from domain.db import fetch_all, fetch_one
from domain.errors import NotFound
from domain.kb.categories import get_section
from domain.kb.models import (ArticleStatus, KbArticle, KbArticleCreate, KbArticleUpdate, KbRevision,
                              KbRevisionCompare)
from domain.kb.slugs import slug_for
from domain.outbox.service import emit_event
from domain.pagination import Cursor, Page, check_limit, page_of

COLUMNS = "id, section_id, title, slug, body, status, revision, published_at, created_at, updated_at"
REVISION_COLUMNS = "id, article_id, number, title, body, note, author, created_at"


async def create_article(conn: AsyncConnection, *, tenant_id: UUID, data: KbArticleCreate) -> KbArticle:
    """A new article (revision 1); published at once when created with status published."""
    if data.section_id is not None:
        await get_section(conn, section_id=data.section_id)
    article = await fetch_one(conn, KbArticle, f"""
        insert into kb_articles (tenant_id, section_id, title, slug, body, status, published_at)
        values (%(t)s, %(section)s, %(title)s, %(slug)s, %(body)s, %(status)s,
                case when %(status)s = 'published' then now() end)
        returning {COLUMNS}""",
        {"t": tenant_id, "section": data.section_id, "title": data.title, "slug": slug_for(data.slug, data.title),
         "body": data.body, "status": data.status})
    assert article is not None
    await _add_revision(conn, tenant_id, article, note="Created")
    await emit_event(conn, tenant_id=tenant_id, event_type="kb_article.created", entity_id=article.id,
                     payload={"slug": article.slug, "status": article.status})
    return article


async def get_article(conn: AsyncConnection, *, article_id: UUID) -> KbArticle:
    article = await fetch_one(conn, KbArticle, f"select {COLUMNS} from kb_articles where id = %s and deleted_at is null",
                              (article_id,))
    if article is None:
        raise NotFound("Article not found.")
    return article


async def get_article_by_slug(conn: AsyncConnection, *, slug: str) -> KbArticle:
    article = await fetch_one(conn, KbArticle, f"select {COLUMNS} from kb_articles where slug = %s and deleted_at is null",
                              (slug,))
    if article is None:
        raise NotFound("Article not found.")
    return article


async def list_articles(conn: AsyncConnection, *, status: ArticleStatus | None = None, section_id: UUID | None = None,
                        limit: int = 50, cursor: str | None = None) -> Page[KbArticle]:
    """Live articles in creation order, optionally of one status or section."""
    check_limit(limit)
    after = Cursor.decode(cursor)
    rows = await fetch_all(conn, KbArticle, f"""
        select {COLUMNS} from kb_articles
         where deleted_at is null
           and (%(status)s::text is null or status = %(status)s)
           and (%(section)s::uuid is null or section_id = %(section)s)
           and (%(after_c)s::timestamptz is null or (created_at, id) > (%(after_c)s, %(after_i)s))
         order by created_at, id limit %(limit)s""",
        {"status": status, "section": section_id, "limit": limit + 1,
         "after_c": after.created_at if after else None, "after_i": after.id if after else None})
    return page_of(rows, limit)


async def update_article(conn: AsyncConnection, *, tenant_id: UUID, article_id: UUID,
                         data: KbArticleUpdate) -> KbArticle:
    """Changes the fields sent; a new title or body becomes the next revision, publishing stamps the time."""
    current = await get_article(conn, article_id=article_id)
    fields = data.model_dump(exclude_unset=True, exclude={"note", "published"})
    if data.published is not None:
        fields["status"] = data.status
    if fields.get("section_id") is not None:
        await get_section(conn, section_id=fields["section_id"])
    row = current.model_dump() | {k: v for k, v in fields.items() if v is not None or k == "section_id"}
    if "slug" in fields:
        row["slug"] = slug_for(fields["slug"], row["title"])
    content_changed = (row["title"], row["body"]) != (current.title, current.body)
    row["revision"] = current.revision + 1 if content_changed else current.revision
    article = await fetch_one(conn, KbArticle, f"""
        update kb_articles set section_id = %(section_id)s, title = %(title)s, slug = %(slug)s, body = %(body)s,
               status = %(status)s, revision = %(revision)s,
               published_at = case when %(status)s = 'published' then coalesce(published_at, now()) end
         where id = %(id)s returning {COLUMNS}""", row)
    assert article is not None
    if content_changed:
        await _add_revision(conn, tenant_id, article, note=data.note)
    if article.status != current.status:
        await emit_event(conn, tenant_id=tenant_id, event_type=f"kb_article.{_verb(article.status)}",
                         entity_id=article.id, payload={"slug": article.slug, "revision": article.revision})
    return article


def _verb(status: ArticleStatus) -> str:
    return "published" if status == "published" else "unpublished"


async def delete_article(conn: AsyncConnection, *, tenant_id: UUID, article_id: UUID) -> None:
    """Soft delete: the article and its history stay in the database, out of every read and search."""
    cur = await conn.execute("update kb_articles set deleted_at = now() where id = %s and deleted_at is null",
                             (article_id,))
    if cur.rowcount == 0:
        raise NotFound("Article not found.")
    await emit_event(conn, tenant_id=tenant_id, event_type="kb_article.deleted", entity_id=article_id, payload={})


async def _add_revision(conn: AsyncConnection, tenant_id: UUID, article: KbArticle, note: str | None) -> None:
    await conn.execute("""
        insert into kb_article_revisions (tenant_id, article_id, number, title, body, note)
        values (%s, %s, %s, %s, %s, %s)""", (tenant_id, article.id, article.revision, article.title, article.body, note))


async def list_revisions(conn: AsyncConnection, *, article_id: UUID) -> list[KbRevision]:
    """Every saved version of the article, newest first."""
    await get_article(conn, article_id=article_id)
    return await fetch_all(conn, KbRevision, f"""
        select {REVISION_COLUMNS} from kb_article_revisions where article_id = %s order by number desc""",
        (article_id,))


async def get_revision(conn: AsyncConnection, *, article_id: UUID, number: int) -> KbRevision:
    await get_article(conn, article_id=article_id)
    revision = await fetch_one(conn, KbRevision, f"""
        select {REVISION_COLUMNS} from kb_article_revisions where article_id = %s and number = %s""",
        (article_id, number))
    if revision is None:
        raise NotFound(f"The article has no revision {number}.", code="REVISION_NOT_FOUND")
    return revision


async def compare_revisions(conn: AsyncConnection, *, article_id: UUID, from_number: int,
                            to_number: int) -> KbRevisionCompare:
    """A unified diff from one revision to another (title first, then the body, line by line)."""
    old = await get_revision(conn, article_id=article_id, number=from_number)
    new = await get_revision(conn, article_id=article_id, number=to_number)
    lines = difflib.unified_diff([old.title, "", *old.body.splitlines()], [new.title, "", *new.body.splitlines()],
                                 fromfile=f"revision {from_number}", tofile=f"revision {to_number}", lineterm="")
    return KbRevisionCompare(article_id=article_id, from_number=from_number, to_number=to_number,
                             title_changed=old.title != new.title, diff="\n".join(lines))


async def restore_revision(conn: AsyncConnection, *, tenant_id: UUID, article_id: UUID, number: int) -> KbArticle:
    """The article's title and body as they were in revision `number`, saved as a new revision."""
    old = await get_revision(conn, article_id=article_id, number=number)
    return await update_article(conn, tenant_id=tenant_id, article_id=article_id, data=KbArticleUpdate(
        title=old.title, body=old.body, note=f"Restored revision {number}"))
