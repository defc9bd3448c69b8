"""Forum search: one selector over two engines.

On PostgreSQL the words go through the Danish text-search configuration (so "veninder"
finds "veninde"), on the embedded SQLite through an FTS5 table; migration 0002 builds both
and keeps them in step. Either way the reader's words are cut into plain words here, so
no query language ever reaches the engine: `"`, `AND (` or `*` are searched as the words
they contain (none), never parsed. Every word must match (AND); a word of three or more
letters also matches longer words that begin with it ("venind" finds "veninde").

Only what everybody in the reader's categories may see is found: visible posts in visible,
published threads in categories the reader may read. Held posts (even the reader's own),
hidden and deleted posts and prompts waiting for their time are never found, by anyone.
The text searched and shown is the post's public text, so masked details are not found.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from helle.core import clock
from helle.forum import selectors
from helle.forum.models import Post, Thread

MAX_TERMS = 8
MAX_TERM_LENGTH = 64
PREFIX_FROM = 3  # shorter words match only themselves: "ik*" would match half the forum
MAX_LIMIT = 200
SNIPPET_LENGTH = 240
SNIPPET_LEAD = 80  # characters shown before the first marked word

# Letters and digits only: what both FTS5's unicode61 tokenizer and PostgreSQL's parser
# treat as the inside of a word. Everything else separates words and is dropped.
_WORD = re.compile(r"[^\W_]+")
_INSIDE = r"[^\W_]"

# The text a reader may see: the masked text when details were masked, else the body.
# PostgreSQL: these expressions are the ones migration 0002 indexes, letter for letter.
_PG_BODY = "to_tsvector('danish', COALESCE(NULLIF(p.shown_body, ''), p.body))"
_PG_TITLE = "to_tsvector('danish', t.title)"
SQLITE_FTS_TABLE = "forum_post_fts"


@dataclass(frozen=True)
class SearchHit:
    post: Post
    thread: Thread
    snippet: SafeString  # escaped text around the first match, matched words in <mark>
    title: SafeString  # the thread's title, escaped, matched words in <mark>


def search(user, query: str, *, limit: int = 50) -> list[SearchHit]:
    """Posts the reader may see that hold every word of `query`, best match first.
    A word in a thread's title finds the thread's opening post."""
    terms = _terms(query)
    limit = min(limit, MAX_LIMIT)
    if not terms or limit <= 0:
        return []
    if connection.vendor == "postgresql":
        find, found_id = _postgresql_ids, "hit.id"
    elif connection.vendor == "sqlite":
        find, found_id = _sqlite_ids, f"{SQLITE_FTS_TABLE}.rowid"
    else:  # no full-text index on other databases
        return []
    try:
        visible_sql, visible_params = _visible(user, found_id)
    except EmptyResultSet:  # the reader may read no category at all
        return []
    ids = find(terms, visible_sql, visible_params, limit)
    if not ids:
        return []
    posts = Post.objects.select_related("thread__category", "author").in_bulk(ids)
    marker = _marker(terms, _postgresql_stems(terms) if connection.vendor == "postgresql" else ())
    return [
        SearchHit(
            post=posts[pk],
            thread=posts[pk].thread,
            snippet=_snippet(posts[pk].public_body, marker),
            title=_marked(posts[pk].thread.title, marker),
        )
        for pk in ids
        if pk in posts
    ]


def _terms(query: str) -> list[str]:
    """The reader's words, lower case, each once, in the order typed."""
    words = _WORD.findall(unicodedata.normalize("NFC", query or "").lower())
    terms: list[str] = []
    for word in words:
        word = word[:MAX_TERM_LENGTH]
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def _visible(user, found_id: str) -> tuple[str, tuple]:
    """An SQL condition: the post whose id is `found_id` (a column of the search query) is
    one every reader of the reader's categories may see. Written as EXISTS, so the engine
    checks each match by its primary key instead of listing every visible post first."""
    categories = [c.pk for c in selectors.readable_categories(user)]
    posts = Post.objects.filter(
        id=RawSQL(found_id, ()),
        state=Post.State.VISIBLE,
        thread__state=Thread.State.VISIBLE,
        thread__publish_at__lte=clock.now(),
        thread__category__in=categories,
    ).order_by().values("id")
    sql, params = posts.query.sql_with_params()
    return f"EXISTS ({sql})", params


def _sqlite_ids(terms: list[str], visible_sql: str, visible_params: tuple, limit: int) -> list[int]:
    # Each word quoted (a word holds no quote), so FTS5 never parses the reader's input.
    # The word itself OR any longer word: the word itself then counts twice in the rank.
    match = " ".join(f'("{t}" OR "{t}"*)' if len(t) >= PREFIX_FROM else f'"{t}"' for t in terms)
    sql = (
        f"SELECT rowid FROM {SQLITE_FTS_TABLE} "
        f"WHERE {SQLITE_FTS_TABLE} MATCH %s AND {visible_sql} "
        # bm25: lower is better; a word in the title weighs double.
        f"ORDER BY bm25({SQLITE_FTS_TABLE}, 2.0, 1.0), rowid DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (match, *visible_params, limit))
        return [row[0] for row in cursor.fetchall()]


def _postgresql_ids(terms: list[str], visible_sql: str, visible_params: tuple, limit: int) -> list[int]:
    # Words hold letters and digits only, so the tsquery has no operator but ours.
    # The word (and its inflections) OR any longer word: the first then rank higher.
    tsquery = " & ".join(f"({t} | {t}:*)" if len(t) >= PREFIX_FROM else t for t in terms)
    post, thread = Post._meta.db_table, Thread._meta.db_table
    sql = (
        "SELECT hit.id FROM ("
        f" SELECT p.id, ts_rank({_PG_BODY}, to_tsquery('danish', %s)) AS rank"
        f" FROM {post} p WHERE {_PG_BODY} @@ to_tsquery('danish', %s)"
        " UNION ALL"
        f" SELECT p.id, 2 * ts_rank({_PG_TITLE}, to_tsquery('danish', %s)) AS rank"
        f" FROM {thread} t JOIN {post} p ON p.thread_id = t.id AND p.is_opening"
        f" WHERE {_PG_TITLE} @@ to_tsquery('danish', %s)"
        f") hit WHERE {visible_sql} "
        "GROUP BY hit.id ORDER BY SUM(hit.rank) DESC, hit.id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (tsquery, tsquery, tsquery, tsquery, *visible_params, limit))
        return [row[0] for row in cursor.fetchall()]


def _postgresql_stems(terms: list[str]) -> list[str]:
    """The Danish stems of the words ("veninder" → "venind"): a found word begins with one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme FROM unnest(to_tsvector('danish', %s))", (" ".join(terms),))
        return [row[0] for row in cursor.fetchall()]


# --- Marking the words found ----------------------------------------------------------------


def _marker(terms: list[str], stems) -> re.Pattern:
    """A pattern for the words to mark: words that begin with a term (or a stem), or equal a
    short term, as the engines match them."""
    prefixes = {t for t in terms if len(t) >= PREFIX_FROM} | {s for s in stems if s}
    exact = {t for t in terms if len(t) < PREFIX_FROM}
    parts = [f"(?:{'|'.join(map(re.escape, sorted(prefixes, key=len, reverse=True)))}){_INSIDE}*"] if prefixes else []
    if exact:
        parts.append(f"(?:{'|'.join(map(re.escape, sorted(exact, key=len, reverse=True)))})(?!{_INSIDE})")
    return re.compile(f"(?<!{_INSIDE})(?:{'|'.join(parts)})", re.IGNORECASE)


def _marked(text: str, marker: re.Pattern) -> SafeString:
    """`text` escaped, with the matched words in <mark>. Every character of the text passes
    through `escape`; only our own tags are added."""
    pieces, at = [], 0
    for found in marker.finditer(text):
        pieces.append(escape(text[at : found.start()]))
        pieces.append(f"<mark>{escape(found.group())}</mark>")
        at = found.end()
    pieces.append(escape(text[at:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of the text is escaped above


def _snippet(text: str, marker: re.Pattern) -> SafeString:
    """About SNIPPET_LENGTH characters around the first matched word, on one line."""
    text = " ".join(text.split())
    first = marker.search(text)
    start = max(0, first.start() - SNIPPET_LEAD) if first else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first.start() else start
    end = start + SNIPPET_LENGTH
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    body = _marked(text[start:end], marker)
    return mark_safe(("… " if start else "") + body + (" …" if end < len(text) else ""))  # noqa: S308
