"""Full-text search over articles in the tenant's language: weighted title (A) and body (B).

A question is reduced to its stemmed words (the language's stop words dropped) and matched when ANY
of them is in the article, ranked by ts_rank; `coverage` says how many of the question's words the
article has, so the agent can insist on a real match while staff see every near miss. The excerpt is
made of the article's own sentences, those that share most words with the question, in article order.
"""

from __future__ import annotations

from psycopg import AsyncConnection

from domain.db import fetch_all
from domain.kb.models import KbSearchHit

MAX_QUERY = 300
EXCERPT_SENTENCES = 2
EXCERPT_CHARS = 320

# The question's lexemes (in the tenant's configuration) and an OR-query over them; cast from quoted
# literals, so the already-stemmed lexemes are not stemmed again. A hyphenated word is also indexed as its
# parts, so the compound itself ("acceptez-vous") is left out rather than counted as a missing word.
SEARCH_SQL = """
with question as (
    select cfg, lexemes,
           array_to_string(array(select quote_literal(l) from unnest(lexemes) l), ' | ')::tsquery as any_word
      from (select t.search_language as cfg,
                   array(select v.lexeme from unnest(to_tsvector(t.search_language, %(q)s)) v
                          where v.lexeme !~ '-') as lexemes
              from tenants t) words
     where cardinality(lexemes) > 0
)
select a.id, a.title, a.slug, a.status,
       ts_rank(a.search, question.any_word) as rank,
       cardinality(question.lexemes) as query_words,
       (select count(*) from unnest(question.lexemes) l where a.search @@ quote_literal(l)::tsquery) as matched_words,
       (select count(*) from unnest(question.lexemes) l
         where to_tsvector(question.cfg, a.title) @@ quote_literal(l)::tsquery) as title_words,
       coalesce((select string_agg(best.sentence, ' ' order by best.ord)
                   from (select s.sentence, s.ord
                           from regexp_split_to_table(a.body, '(?<=[.!?])\\s+|\\n+') with ordinality as s(sentence, ord),
                                lateral (select count(*) as hits from unnest(question.lexemes) l
                                          where to_tsvector(question.cfg, s.sentence) @@ quote_literal(l)::tsquery) h
                          where h.hits > 0 and btrim(s.sentence) <> ''
                          order by h.hits desc, s.ord limit %(sentences)s) best), '') as excerpt
  from kb_articles a, question
 where a.deleted_at is null and (not %(published_only)s or a.status = 'published')
   and a.search @@ question.any_word
 order by rank desc, matched_words desc, a.id
 limit %(limit)s
"""


async def search_articles(conn: AsyncConnection, *, query: str, published_only: bool = True,
                          limit: int = 10) -> list[KbSearchHit]:
    """Articles matching any word of `query`, best first, each with its best-matching sentences."""
    hits = await fetch_all(conn, KbSearchHit, SEARCH_SQL, {
        "q": query[:MAX_QUERY], "published_only": published_only, "limit": limit, "sentences": EXCERPT_SENTENCES})
    for hit in hits:
        hit.excerpt = shorten(hit.excerpt)
    return hits


def shorten(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most `limit` characters, cut at a word with an ellipsis (never mid-word)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def answering(hits: list[KbSearchHit]) -> KbSearchHit | None:
    """The best-ranked hit that really answers the question: it shares half the question's words, one of
    them in its title, or three quarters of them (at least two). One shared word in a body is chance."""
    def answers(hit: KbSearchHit) -> bool:
        return bool(hit.excerpt) and ((hit.title_words >= 1 and hit.coverage >= 0.5)
                                      or (hit.coverage >= 0.75 and hit.matched_words >= 2))
    return next((hit for hit in hits if answers(hit)), None)
