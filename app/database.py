"""Connection settings: SQLite gets foreign keys, WAL, a busy timeout and immediate write locks."""

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

# Writers queue for the write lock this long before giving up; generous, since a save that waits
# a few seconds under load is far better than one refused.
SQLITE_BUSY_TIMEOUT_MS = 15000
READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}


def configure_engine(engine: Engine) -> None:
    """Apply per-connection settings the engine's dialect needs."""
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)


def _configure_sqlite_connection(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # In-memory databases cannot use WAL; they answer "memory" and that is fine.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_sqlite_transaction(connection) -> None:
    """Requests that change data take the write lock up front, so under load they wait (busy
    timeout) instead of failing as "database is locked" when their read snapshot went stale.

    Everything else keeps the driver's own behaviour: reads outside a transaction, and an
    implicit BEGIN before the first write, so readers never queue behind writers.
    """
    if has_request_context() and request.method not in READ_ONLY_METHODS:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
