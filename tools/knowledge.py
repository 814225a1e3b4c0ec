"""Answers from the business's knowledge base: the published articles, and nothing beyond them."""

from __future__ import annotations

from pydantic_ai import RunContext

from domain.kb.gaps import record_gap as add_gap
from domain.kb.search import answering, search_articles
from tools.deps import AgentDeps
from tools.models import KnowledgeAnswer


async def search_knowledge_base(ctx: RunContext[AgentDeps], question: str, record_gap: bool = True) -> KnowledgeAnswer:
    """Look up the customer's question in the business's published help articles.

    Answer only with `quote`, naming `article`; if nothing is found, say you don't know.

    Args:
        question: The customer's question, in their own words.
        record_gap: False when the customer asks for a visit, not for information.
    """
    deps = ctx.deps
    deps.tool_calls.append("search_knowledge_base")
    async with deps.tx() as conn:
        hit = answering(await search_articles(conn, query=question, limit=5))
        if hit is not None:
            return KnowledgeAnswer(found=True, article=hit.title, quote=hit.excerpt)
        gap = await add_gap(conn, tenant_id=deps.tenant.id, question=question, channel=deps.conversation.channel,
                            conversation_id=deps.conversation.id, now=deps.now()) if record_gap else None
    return KnowledgeAnswer(gap_logged=gap is not None,
                           message="No published article answers this; do not guess.")
