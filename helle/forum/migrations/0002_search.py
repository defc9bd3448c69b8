"""Full-text search of the forum: how the index is built and kept is told in
helle/forum/search.py (section "The index"), which holds the SQL, so that this migration and
the repair after later migrations (`ensure_search_index`) build the very same thing.

PostgreSQL: GIN indexes with the Danish text-search configuration. SQLite: an FTS5 table kept
in step by triggers. Other databases: nothing.
"""

from django.db import migrations


def add_search_index(apps, schema_editor):
    from helle.forum.search import install_search_index

    install_search_index(schema_editor.connection)


def remove_search_index(apps, schema_editor):
    from helle.forum.search import remove_search_index

    remove_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_search_index, remove_search_index),
    ]
