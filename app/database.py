"""Connection settings and writes: SQLite gets foreign keys, WAL, a busy timeout and queued, immediate write locks.

SQLite lets one writer in at a time. A view that changes data says so with @writes, and one that
reads at length before a small write (an audit line, a "read" mark) makes that write in a
`with writing():` block. Their transaction takes the write lock when it begins (BEGIN IMMEDIATE),
so a stale read snapshot can never make them fail later, and commits when they are done; every
other transaction reads without the lock, so readers never queue behind writers. Within one
server process writers first wait on a threading lock, so the threads of a worker take turns
instead of racing each other through SQLite's back-off sleeps (under load that race is what
starved writers past their timeout); only the few worker processes meet in SQLite's busy handler.
A writer that still waits longer than the busy timeout gets DatabaseBusy, which the app answers
with 503 and the user's text (see app.core.errors and the step editor).
"""

import threading
from contextlib import contextmanager
from functools import partial, wraps

from flask import current_app, request, session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.extensions import db

READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}
PROCESS_WRITER = threading.Lock()
HOLDS_PROCESS_WRITER = "glo_act_holds_process_writer"
# On the session while a writing() block runs: how long each of its transactions waits for the write lock.
WRITE_LOCK_WAIT = "glo_act_write_lock_wait"


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
    event.listen(engine, "commit", _release_process_writer)
    event.listen(engine, "rollback", _release_process_writer)
    # A connection handed back to the pool never keeps the lock, whatever happened to it.
    event.listen(engine.pool, "checkin", lambda dbapi_connection, record: _release(record.info))


@contextmanager
def writing():
    """Make a change: the block's transactions take the write lock first; it commits at the end, or rolls back.

    A transaction still open from reading is committed first: on SQLite a reading transaction
    that turns into a writing one fails at once if another request wrote meanwhile.
    """
    db.session.commit()
    db.session.info[WRITE_LOCK_WAIT] = current_app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        db.session.info.pop(WRITE_LOCK_WAIT, None)


def writes(view):
    """Declare a view that changes data when a form is sent to it: that request runs in writing().

    The view never commits: the decorator does once the view has returned. If the change fails
    instead, the messages the view flashed about it are dropped with it.
    """

    @wraps(view)
    def changing_view(*args, **kwargs):
        if request.method in READ_ONLY_METHODS:
            return view(*args, **kwargs)
        flashed = list(session.get("_flashes", []))
        try:
            with writing():
                return view(*args, **kwargs)
        except BaseException:
            session["_flashes"] = flashed
            raise

    changing_view.writes = True
    return changing_view


def _configure_sqlite_connection(busy_timeout_ms: int, dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    # In-memory databases cannot use WAL; they answer "memory" and that is fine.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Session, "after_begin")
def _take_write_lock(db_session: Session, transaction, connection) -> None:
    """In a writing() block, queue for the process's writer lock, then take SQLite's with BEGIN IMMEDIATE.

    Outside one the driver keeps its own behaviour: reads outside a transaction, and an implicit
    BEGIN before the first write.
    """
    wait = db_session.info.get(WRITE_LOCK_WAIT)
    if wait is None or transaction.nested or connection.dialect.name != "sqlite":
        return
    if not PROCESS_WRITER.acquire(timeout=wait):
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
