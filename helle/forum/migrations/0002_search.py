"""Full-text search of the forum (see helle/forum/search.py).

SQLite: an FTS5 table `forum_post_fts` (rowid = post id; columns title, body) that keeps its
own copy of the searchable text: a post's public text (the masked text when details were
masked, else the body) and, for an opening post, its thread's title. Triggers keep it in
step with every INSERT, UPDATE and DELETE on forum_post and every title change on
forum_thread, whoever writes (the ORM, .update(), a raw query).

NB for later migrations on SQLite: when Django alters forum_post or forum_thread it may
rebuild the table (copy, drop, rename), and dropping a table drops its triggers. Such a
migration must create the triggers again (copy SQLITE_TRIGGERS). A test
(test_search.py) fails when they are missing.

PostgreSQL: GIN indexes on the same expressions the search query uses, with the Danish
text-search configuration. Other databases: nothing.
"""

from django.db import migrations

# The text others may see: the masked text when details were masked, else the body.
_SQLITE_ROW = """
    {row}.id,
    CASE WHEN {row}.is_opening THEN COALESCE((SELECT title FROM forum_thread WHERE id = {row}.thread_id), '')
         ELSE '' END,
    CASE WHEN {row}.shown_body <> '' THEN {row}.shown_body ELSE {row}.body END
"""

SQLITE_TABLE = [
    "CREATE VIRTUAL TABLE forum_post_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0')",
]

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER forum_post_fts_insert AFTER INSERT ON forum_post BEGIN
        INSERT INTO forum_post_fts(rowid, title, body) VALUES ({_SQLITE_ROW.format(row="new")});
    END""",
    """CREATE TRIGGER forum_post_fts_delete AFTER DELETE ON forum_post BEGIN
        DELETE FROM forum_post_fts WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER forum_post_fts_update AFTER UPDATE OF id, thread_id, body, shown_body, is_opening
    ON forum_post BEGIN
        DELETE FROM forum_post_fts WHERE rowid = old.id;
        INSERT INTO forum_post_fts(rowid, title, body) VALUES ({_SQLITE_ROW.format(row="new")});
    END""",
    """CREATE TRIGGER forum_thread_fts_title AFTER UPDATE OF title ON forum_thread BEGIN
        UPDATE forum_post_fts SET title = new.title
        WHERE rowid IN (SELECT id FROM forum_post WHERE thread_id = new.id AND is_opening);
    END""",
]

SQLITE_FILL = [
    f"INSERT INTO forum_post_fts(rowid, title, body) SELECT {_SQLITE_ROW.format(row='p')} FROM forum_post p",
]

SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS forum_thread_fts_title",
    "DROP TRIGGER IF EXISTS forum_post_fts_update",
    "DROP TRIGGER IF EXISTS forum_post_fts_delete",
    "DROP TRIGGER IF EXISTS forum_post_fts_insert",
    "DROP TABLE IF EXISTS forum_post_fts",
]

# These expressions must stay letter for letter those in helle/forum/search.py, or the
# query will not use the indexes.
POSTGRESQL_INDEXES = [
    "CREATE INDEX forum_post_search_da ON forum_post "
    "USING gin (to_tsvector('danish', COALESCE(NULLIF(shown_body, ''), body)))",
    "CREATE INDEX forum_thread_title_search_da ON forum_thread USING gin (to_tsvector('danish', title))",
]

POSTGRESQL_REMOVE = [
    "DROP INDEX IF EXISTS forum_thread_title_search_da",
    "DROP INDEX IF EXISTS forum_post_search_da",
]


def _run(statements, schema_editor):
    for sql in statements:
        schema_editor.execute(sql, params=None)


def add_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(SQLITE_TABLE + SQLITE_TRIGGERS + SQLITE_FILL, schema_editor)
    elif vendor == "postgresql":
        _run(POSTGRESQL_INDEXES, schema_editor)


def remove_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(SQLITE_REMOVE, schema_editor)
    elif vendor == "postgresql":
        _run(POSTGRESQL_REMOVE, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_search_index, remove_search_index),
    ]
