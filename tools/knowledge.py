"""Answers from the business's knowledge base: the published articles, and nothing beyond them."""

from __future__ import annotations

from pydantic_ai import RunContext

from domain.kb.gaps import record_gap
from domain.kb.search import answering, search_articles
from tools.deps import AgentDeps
from tools.models import KnowledgeAnswer


async def search_knowledge_base(ctx: RunContext[AgentDeps], question: str) -> KnowledgeAnswer:
    """Look up the customer's question in the business's published help articles.

    Use it for questions about services, what a visit includes, policies, payment, warranties and the like.
    Answer only with what `quote` says and name the `article`; when nothing is found, say honestly that you
    don't know (the question has been passed to the team) and offer to book a visit or a call back.

    Args:
        question: The customer's question, in their own words.
    """
    deps = ctx.deps
    deps.tool_calls.append("search_knowledge_base")
    async with deps.tx() as conn:
        hit = answering(await search_articles(conn, query=question, limit=5))
        if hit is not None:
            return KnowledgeAnswer(found=True, article=hit.title, quote=hit.excerpt)
        gap = await record_gap(conn, tenant_id=deps.tenant.id, question=question,
                               channel=deps.conversation.channel, conversation_id=deps.conversation.id,
                               now=deps.now())
    return KnowledgeAnswer(gap_logged=gap is not None,
                           message="No published article answers this; do not guess.")
