"""Connection settings: SQLite gets foreign keys, WAL and a busy timeout."""

from sqlalchemy import event
from sqlalchemy.engine import Engine

SQLITE_BUSY_TIMEOUT_MS = 5000


def configure_engine(engine: Engine) -> None:
    """Apply per-connection settings the engine's dialect needs."""
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", _configure_sqlite_connection)


def _configure_sqlite_connection(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # In-memory databases cannot use WAL; they answer "memory" and that is fine.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
