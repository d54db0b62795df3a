"""Connection settings: SQLite gets foreign keys, WAL, a busy timeout and queued, immediate write locks.

SQLite lets one writer in at a time. Requests that change data take the write lock when their
transaction begins (BEGIN IMMEDIATE), so a stale read snapshot can never make them fail later.
Within one server process they first wait on a threading lock, so the threads of a worker take
turns instead of racing each other through SQLite's back-off sleeps (under load that race is what
starved writers past their timeout); only the few worker processes meet in SQLite's busy handler.
A writer that still waits longer than the busy timeout gets DatabaseBusy, which the app answers
with 503 and the user's text (see app.core.errors and the step editor).
"""

import threading
from functools import partial

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from app.extensions import db

READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}
PROCESS_WRITER = threading.Lock()
HOLDS_PROCESS_WRITER = "glo_act_holds_process_writer"


class DatabaseBusy(RuntimeError):
    """Other requests kept the database's write lock for longer than a writer may wait."""


def is_database_busy(error: BaseException) -> bool:
    """Whether an exception means the database stayed locked (ours, or SQLite's own error)."""
    return isinstance(error, DatabaseBusy) or (
        isinstance(error, OperationalError) and "database is locked" in str(error.orig)
    )


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    """Apply per-connection settings the engine's dialect needs; writers wait busy_timeout_ms at most."""
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", partial(_configure_sqlite_connection, busy_timeout_ms))
    event.listen(engine, "begin", partial(_begin_sqlite_transaction, busy_timeout_ms / 1000))
    event.listen(engine, "commit", _release_process_writer)
    event.listen(engine, "rollback", _release_process_writer)
    # A connection handed back to the pool never keeps the lock, whatever happened to it.
    event.listen(engine.pool, "checkin", lambda dbapi_connection, record: _release(record.info))


def begin_writing() -> None:
    """End the request's reading transaction; the next one takes the write lock up front.

    For a GET that writes after it has read (an audit line, a "read" mark): on SQLite a reading
    transaction that turns into a writing one fails at once if another request wrote meanwhile.
    """
    db.session.commit()
    g.sqlite_write_lock = True


def begin_reading() -> None:
    """End the request's transaction; the next ones read without the write lock.

    For a POST that does slow read-only work (printing a meeting pack) before it writes, so that
    it does not keep every other writer waiting; call begin_writing() before writing.
    """
    db.session.commit()
    g.sqlite_write_lock = False


def _configure_sqlite_connection(busy_timeout_ms: int, dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    # In-memory databases cannot use WAL; they answer "memory" and that is fine.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _takes_write_lock() -> bool:
    if not has_request_context():
        return False
    chosen = g.get("sqlite_write_lock")
    return request.method not in READ_ONLY_METHODS if chosen is None else chosen


def _begin_sqlite_transaction(timeout_seconds: float, connection) -> None:
    """Writing requests queue for the process's writer lock, then take SQLite's with BEGIN IMMEDIATE.

    Everything else keeps the driver's own behaviour: reads outside a transaction, and an
    implicit BEGIN before the first write, so readers never queue behind writers.
    """
    if not _takes_write_lock():
        return
    if not PROCESS_WRITER.acquire(timeout=timeout_seconds):
        raise DatabaseBusy("The database stayed busy with other changes.")
    connection.info[HOLDS_PROCESS_WRITER] = True
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _release(connection.info)
        raise


def _release_process_writer(connection) -> None:
    _release(connection.info)


def _release(info: dict) -> None:
    if info.pop(HOLDS_PROCESS_WRITER, False):
        PROCESS_WRITER.release()
