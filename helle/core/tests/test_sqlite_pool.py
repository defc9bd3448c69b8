"""The SQLite backend keeps clean connections for the next request (helle.core.sqlite)."""

import pytest
from django.db.utils import ConnectionHandler


@pytest.fixture
def database_file(tmp_path, django_db_blocker):
    """Two connection wrappers on one new database file, as two requests' threads have (not
    the test database: pytest-django's guard is lifted for this file only)."""
    settings = {
        "ENGINE": "helle.core.sqlite",
        "NAME": str(tmp_path / "pool.sqlite3"),
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
    }
    handler = ConnectionHandler({"default": settings, "second": dict(settings)})
    first, second = handler["default"], handler["second"]
    with django_db_blocker.unblock():
        with first.cursor() as cursor:
            cursor.execute("CREATE TABLE note (text TEXT)")
        yield first, second
        for wrapper in (first, second):
            wrapper.close()


def _texts(wrapper) -> list[str]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT text FROM note ORDER BY rowid")
        return [row[0] for row in cursor.fetchall()]


def test_the_next_request_gets_the_closed_connection_back(database_file):
    first, _second = database_file
    used = first.connection
    first.close()
    assert first.connection is None
    first.connect()
    assert first.connection is used


def test_a_kept_connection_sees_what_others_wrote_after_it_was_closed(database_file):
    first, second = database_file
    assert _texts(first) == []
    first.close()  # back to the pool after a read
    with second.cursor() as cursor:
        cursor.execute("INSERT INTO note VALUES ('skrevet bagefter')")
    second.close()
    assert _texts(first) == ["skrevet bagefter"]


def test_a_connection_with_an_open_transaction_is_closed_not_kept(database_file):
    first, _second = database_file
    first.ensure_connection()
    used = first.connection
    used.execute("BEGIN")
    used.execute("INSERT INTO note VALUES ('halvt færdig')")
    first.close()
    first.connect()
    assert first.connection is not used
    assert _texts(first) == []  # the half-done write was rolled back with its connection


def test_a_connection_that_saw_an_error_is_closed_not_kept(database_file):
    first, _second = database_file
    used = first.connection
    with pytest.raises(Exception, match="no such table"), first.cursor() as cursor:
        cursor.execute("SELECT * FROM missing_table")
    first.close()
    first.connect()
    assert first.connection is not used


def test_an_in_memory_database_is_never_pooled():
    handler = ConnectionHandler({"default": {"ENGINE": "helle.core.sqlite", "NAME": ":memory:"}})
    wrapper = handler["default"]
    assert not wrapper._pooled()
