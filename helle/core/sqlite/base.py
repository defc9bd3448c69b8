"""Django's SQLite backend, with its connections kept for the next request.

Why: under ASGI, Django runs each request's sync code on a new thread, and its connections
belong to a thread, so every request opened SQLite again: the connection, Django's SQL
functions, the pragmas, the schema read and a cold page cache cost about 5 ms of a 20 ms
thread page (docs/architecture.md, "The database"). Django pools PostgreSQL connections
(psycopg's pool, see config/settings.py) but not SQLite's; this does the same for SQLite.

A connection goes back to the pool only when it is clean: no transaction open, no error seen.
Anything else is closed as before. In-memory databases (the tests) are never pooled.
"""

import os
import queue
import threading

from django.db.backends.sqlite3 import base as sqlite3_base

POOL_SIZE = 8  # idle connections kept per database and process; more threads open their own

_pools: dict[str, queue.LifoQueue] = {}
_pools_pid = os.getpid()
_pools_lock = threading.Lock()


def _pool_for(name: str) -> queue.LifoQueue:
    """The process's pool for one database file (a forked child starts with none)."""
    global _pools_pid
    with _pools_lock:
        if _pools_pid != os.getpid():
            _pools.clear()
            _pools_pid = os.getpid()
        return _pools.setdefault(name, queue.LifoQueue(maxsize=POOL_SIZE))


class DatabaseWrapper(sqlite3_base.DatabaseWrapper):
    def _pooled(self) -> bool:
        return not self.is_in_memory_db()

    def get_new_connection(self, conn_params):
        if self._pooled():
            try:
                # The most recently used first: its pages are the likeliest to be cached.
                return _pool_for(str(self.settings_dict["NAME"])).get_nowait()
            except queue.Empty:
                pass
        return super().get_new_connection(conn_params)

    def _close(self):
        conn = self.connection
        clean = conn is not None and not self.in_atomic_block and not self.errors_occurred
        if clean and self._pooled() and not conn.in_transaction:
            try:
                _pool_for(str(self.settings_dict["NAME"])).put_nowait(conn)
                return None
            except queue.Full:
                pass
        return super()._close()
