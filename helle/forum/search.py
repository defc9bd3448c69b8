"""Forum search: one selector over two engines.

On PostgreSQL the words go through the Danish text-search configuration (so "veninder"
finds "veninde"), on the embedded SQLite through an FTS5 table that the database keeps in
step by triggers (see "The index" below; migration 0002 builds it). Either way the reader's
words are cut into plain words here, so no query language ever reaches the engine: `"`,
`AND (` or `*` are searched as the words they contain (none), never parsed. Every word
must match (AND), in the title or the text; a word of three or more letters also matches
longer words that begin with it ("venind" finds "veninde"), the word itself ranking higher.

Only what everybody in the reader's categories may see is found: visible posts in visible,
published threads in categories the reader may read. Held posts (even the reader's own),
hidden and deleted posts and prompts waiting for their time are never found, by anyone.
The text searched and shown is the post's public text, so masked details are not found.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
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
_PG_RANK = "ts_rank(ARRAY[0.1, 0.2, 0.5, 1.0]::float4[], found.document, to_tsquery('danish', {query}))"
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
    stems: list[str] = []
    if connection.vendor == "postgresql":
        find, found_id = _postgresql_ids, "found.id"
        terms, stems = _postgresql_words(terms)
        if not terms:  # only little words like "og" that the Danish configuration leaves out
            return []
    elif connection.vendor == "sqlite":
        find, found_id = _sqlite_ids, f"{SQLITE_FTS_TABLE}.rowid"
        ensure_search_index(connection.alias)
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
    marker = _marker(terms, stems)
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
    posts = (
        Post.objects.filter(
            id=RawSQL(found_id, ()),  # noqa: S611 - a column name of ours, never input
            state=Post.State.VISIBLE,
            thread__state=Thread.State.VISIBLE,
            thread__publish_at__lte=clock.now(),
            thread__category__in=categories,
        )
        .order_by()
        .values("id")
    )
    sql, params = posts.query.sql_with_params()
    return f"EXISTS ({sql})", params


def _sqlite_ids(terms: list[str], visible_sql: str, visible_params: tuple, limit: int) -> list[int]:
    # Each word quoted (a word holds no quote), so FTS5 never parses the reader's input.
    # The word itself OR any longer word: the word itself then counts twice in the rank.
    match = " AND ".join(f'("{t}" OR "{t}"*)' if len(t) >= PREFIX_FROM else f'"{t}"' for t in terms)
    # Only our names and the ORM's SQL are put in; the reader's words go in as a parameter.
    sql = (
        f"SELECT rowid FROM {SQLITE_FTS_TABLE} "  # noqa: S608
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
    words = [f"({t} | {t}:*)" if len(t) >= PREFIX_FROM else t for t in terms]
    post, thread = Post._meta.db_table, Thread._meta.db_table
    # For each word, the indexes find the posts whose text holds it or whose thread's title
    # does (for an opening post); the posts found for every word (`ids`) are then ranked on
    # their title and text together (`found`), a word in the title weighing double.
    # Only our names and the ORM's SQL are put in; the reader's words go in as parameters.
    one_word = (
        f"SELECT p.id FROM {post} p WHERE {_PG_BODY} @@ to_tsquery('danish', %s)"  # noqa: S608
        f" UNION SELECT p.id FROM {thread} t JOIN {post} p ON p.thread_id = t.id AND p.is_opening"
        f" WHERE {_PG_TITLE} @@ to_tsquery('danish', %s)"
    )
    document = f"setweight(COALESCE({_PG_TITLE}, ''), 'A') || setweight({_PG_BODY}, 'B')"
    every_word = " INTERSECT ".join(f"({one_word})" for _ in words)
    sql = (
        f"WITH ids AS MATERIALIZED ({every_word}), found AS MATERIALIZED ("  # noqa: S608
        f" SELECT p.id, {document} AS document FROM ids JOIN {post} p ON p.id = ids.id"
        f" LEFT JOIN {thread} t ON p.is_opening AND t.id = p.thread_id"
        f") SELECT found.id FROM found WHERE {visible_sql} ORDER BY"
        f" {_PG_RANK.format(query='%s')} + {_PG_RANK.format(query='%s')} DESC, found.id DESC LIMIT %s"
    )
    params = [word for word in words for _ in range(2)]
    with connection.cursor() as cursor:
        # Ranked on the words as alternatives (that every word is there, `ids` has made sure),
        # then once more on the words themselves and their inflections, without longer words.
        ranked = (" | ".join(words), " | ".join(terms))
        cursor.execute(sql, (*params, *visible_params, *ranked, limit))
        return [row[0] for row in cursor.fetchall()]


def _postgresql_words(terms: list[str]) -> tuple[list[str], list[str]]:
    """The words the Danish configuration searches for (it leaves out little words like "og"),
    and their stems ("veninder" → "venind"): a word found begins with one of them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, tsvector_to_array(to_tsvector('danish', w))"
            " FROM unnest(%s::text[]) WITH ORDINALITY AS x(w, n) ORDER BY n",
            [terms],
        )
        rows = cursor.fetchall()
    return [term for term, stems in rows if stems], [stem for _term, stems in rows for stem in stems]


# --- Marking the words found ----------------------------------------------------------------


def _marker(terms: list[str], stems) -> re.Pattern:
    """A pattern for the words to mark: words that begin with a term (or a stem), or equal a
    short term, as the engines match them."""
    prefixes = {t for t in terms if len(t) >= PREFIX_FROM} | {s for s in stems if s}
    exact = {t for t in terms if len(t) < PREFIX_FROM}
    parts = (
        [f"(?:{'|'.join(map(re.escape, sorted(prefixes, key=len, reverse=True)))}){_INSIDE}*"]
        if prefixes
        else []
    )
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


# --- The index: built by migration 0002, kept in step by the database itself ---------------------
#
# PostgreSQL: GIN indexes on the very expressions the query above uses (_PG_BODY, _PG_TITLE).
#
# SQLite: an FTS5 table, forum_post_fts (rowid = post id; columns title and body), holding
# each post's public text and, for an opening post, its thread's title; triggers keep it in
# step with every write to forum_post and forum_thread (the ORM, .update(), raw SQL).
# Two rules make it survive Django's migrations, which on SQLite rebuild a table to change
# it (create a copy, drop the old one, rename the copy):
# - No trigger names another Django table: SQLite refuses the rename while a trigger names a
#   table that is missing at that moment. The post triggers read a thread's title from a
#   side table of ours (forum_search_thread), kept by the thread triggers.
# - Dropping a table drops its triggers. `ensure_search_index` puts back any that are
#   missing and rebuilds the index; it runs after every migrate (post_migrate) and, as a
#   safety net, before each search (a single look at sqlite_master).
# Migration 0002 runs this SQL as it stands here: name only columns that exist at 0002, and
# when the index itself changes, add a migration that calls remove_ and install_search_index.

_PG_INDEXES = [
    "CREATE INDEX IF NOT EXISTS forum_post_search_da ON forum_post "
    "USING gin (to_tsvector('danish', COALESCE(NULLIF(shown_body, ''), body)))",
    "CREATE INDEX IF NOT EXISTS forum_thread_title_search_da ON forum_thread "
    "USING gin (to_tsvector('danish', title))",
]
_PG_DROP = ["DROP INDEX IF EXISTS forum_thread_title_search_da", "DROP INDEX IF EXISTS forum_post_search_da"]

_SQLITE_TABLES = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS forum_post_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE TABLE IF NOT EXISTS forum_search_thread ("
    "id INTEGER PRIMARY KEY, title TEXT NOT NULL DEFAULT '', opening_post INTEGER)",
]

# A post's row in the index: its public text, and its thread's title when it opens the thread.
# (Written out twice below, as SQL only, so no string is ever built into a statement.)
_SQLITE_TRIGGERS = {
    "forum_search_thread_insert": """
        AFTER INSERT ON forum_thread BEGIN
            INSERT OR REPLACE INTO forum_search_thread(id, title) VALUES (new.id, new.title);
        END""",
    "forum_search_thread_title": """
        AFTER UPDATE OF id, title ON forum_thread BEGIN
            UPDATE forum_search_thread SET id = new.id, title = new.title WHERE id = old.id;
            UPDATE forum_post_fts SET title = new.title
            WHERE rowid = (SELECT opening_post FROM forum_search_thread WHERE id = new.id);
        END""",
    "forum_search_thread_delete": """
        AFTER DELETE ON forum_thread BEGIN
            DELETE FROM forum_search_thread WHERE id = old.id;
        END""",
    "forum_search_post_insert": """
        AFTER INSERT ON forum_post BEGIN
            INSERT INTO forum_post_fts(rowid, title, body) VALUES (
                new.id,
                CASE WHEN new.is_opening
                     THEN COALESCE((SELECT title FROM forum_search_thread WHERE id = new.thread_id), '')
                     ELSE '' END,
                CASE WHEN new.shown_body <> '' THEN new.shown_body ELSE new.body END
            );
            UPDATE forum_search_thread SET opening_post = new.id WHERE new.is_opening AND id = new.thread_id;
        END""",
    "forum_search_post_update": """
        AFTER UPDATE OF id, thread_id, is_opening, body, shown_body ON forum_post BEGIN
            DELETE FROM forum_post_fts WHERE rowid = old.id;
            INSERT INTO forum_post_fts(rowid, title, body) VALUES (
                new.id,
                CASE WHEN new.is_opening
                     THEN COALESCE((SELECT title FROM forum_search_thread WHERE id = new.thread_id), '')
                     ELSE '' END,
                CASE WHEN new.shown_body <> '' THEN new.shown_body ELSE new.body END
            );
            UPDATE forum_search_thread SET opening_post = new.id WHERE new.is_opening AND id = new.thread_id;
        END""",
    "forum_search_post_delete": """
        AFTER DELETE ON forum_post BEGIN
            DELETE FROM forum_post_fts WHERE rowid = old.id;
        END""",
}

# Everything again from the tables themselves (here naming both tables is fine).
_SQLITE_REBUILD = [
    "DELETE FROM forum_search_thread",
    "INSERT INTO forum_search_thread(id, title, opening_post) "
    "SELECT t.id, t.title, (SELECT MIN(p.id) FROM forum_post p WHERE p.thread_id = t.id AND p.is_opening) "
    "FROM forum_thread t",
    "DELETE FROM forum_post_fts",
    "INSERT INTO forum_post_fts(rowid, title, body) "
    "SELECT p.id, CASE WHEN p.is_opening THEN COALESCE(t.title, '') ELSE '' END, "
    "CASE WHEN p.shown_body <> '' THEN p.shown_body ELSE p.body END "
    "FROM forum_post p LEFT JOIN forum_thread t ON t.id = p.thread_id",
]

_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS forum_search_thread_insert",
    "DROP TRIGGER IF EXISTS forum_search_thread_title",
    "DROP TRIGGER IF EXISTS forum_search_thread_delete",
    "DROP TRIGGER IF EXISTS forum_search_post_insert",
    "DROP TRIGGER IF EXISTS forum_search_post_update",
    "DROP TRIGGER IF EXISTS forum_search_post_delete",
    "DROP TABLE IF EXISTS forum_post_fts",
    "DROP TABLE IF EXISTS forum_search_thread",
]


def install_search_index(conn) -> None:
    """Build the index (migration 0002). `conn`: a database connection."""
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            for sql in _PG_INDEXES:
                cursor.execute(sql)
        elif conn.vendor == "sqlite":
            for sql in _SQLITE_TABLES:
                cursor.execute(sql)
            _repair_sqlite(cursor)


def remove_search_index(conn) -> None:
    """Take the index away (migration 0002 reversed)."""
    with conn.cursor() as cursor:
        for sql in {"postgresql": _PG_DROP, "sqlite": _SQLITE_DROP}.get(conn.vendor, []):
            cursor.execute(sql)


def ensure_search_index(using: str = DEFAULT_DB_ALIAS, **kwargs) -> bool:
    """On SQLite, put back the triggers a migration took away and rebuild the index; True when
    it did. Connect it to post_migrate. (PostgreSQL's indexes survive ALTER TABLE.)"""
    conn = connections[using]
    if conn.vendor != "sqlite":
        return False
    with conn.cursor() as cursor:
        if _sqlite_index_whole(cursor):
            return False
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'forum_post_fts'")
        if cursor.fetchone() is None:  # migration 0002 is not applied (or was reversed)
            return False
        with transaction.atomic(using=using):
            for sql in _SQLITE_TABLES:
                cursor.execute(sql)
            _repair_sqlite(cursor)
    return True


def _sqlite_index_whole(cursor) -> bool:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'forum_search_%'")
    return {row[0] for row in cursor.fetchall()} >= _SQLITE_TRIGGERS.keys()


def _repair_sqlite(cursor) -> None:
    """Every trigger in place, and the index rebuilt from the tables (what was written while a
    trigger was missing is then in it too)."""
    for name, body in _SQLITE_TRIGGERS.items():
        cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
    for sql in _SQLITE_REBUILD:
        cursor.execute(sql)
