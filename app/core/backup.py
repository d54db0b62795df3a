"""Online backup and restore: the SQLite backup API, or pg_dump / pg_restore for PostgreSQL.

A backup is a consistent snapshot taken while the app keeps running; it is written beside the
target under a temporary name and only renamed into place once it has been checked, so a failed
backup never leaves a half-written file where the last good one was.
"""

import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, Engine

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
# Longer than the app's 5 s busy timeout: a restore may wait for a long save to finish.
SQLITE_TIMEOUT_SECONDS = 30
# pg_dump and pg_restore give up instead of queueing forever behind a lock (e.g. a migration).
PG_LOCK_TIMEOUT = "30s"


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


@dataclass(frozen=True)
class BackupReport:
    """What a backup or restore did."""

    path: Path
    dialect: str
    size: int


def backup_database(engine: Engine, target: str | os.PathLike) -> BackupReport:
    """Write a consistent snapshot of the engine's database to target, replacing it atomically.

    Raises BackupError when the database cannot be read or the copy fails its check.
    """
    target = Path(target).resolve()
    if target.is_dir():
        raise BackupError(f"{target} is a directory; name the backup file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    partial = Path(name)
    try:
        if engine.dialect.name == "sqlite":
            _backup_sqlite(_sqlite_path(engine), partial)
        elif engine.dialect.name == "postgresql":
            _backup_postgres(engine, partial)
        else:
            raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")
        _fsync(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    log.info("Backed up the %s database to %s", engine.dialect.name, target)
    return BackupReport(target, engine.dialect.name, target.stat().st_size)


def restore_database(engine: Engine, source: str | os.PathLike) -> BackupReport:
    """Replace the contents of the engine's database with a backup made by backup_database.

    Raises BackupError when the file is not a backup for this kind of database or the restore fails;
    a failed PostgreSQL restore changes nothing (one transaction).
    """
    source = Path(source).resolve()
    if not source.is_file():
        raise BackupError(f"There is no backup file {source}.")
    # This process's own pooled connections must not hold locks the restore waits for.
    engine.dispose()
    if engine.dialect.name == "sqlite":
        _restore_sqlite(source, _sqlite_path(engine))
    elif engine.dialect.name == "postgresql":
        _restore_postgres(engine, source)
    else:
        raise BackupError(f"Restores into {engine.dialect.name} databases are not supported.")
    log.info("Restored the %s database from %s", engine.dialect.name, source)
    return BackupReport(source, engine.dialect.name, source.stat().st_size)


def describe(engine: Engine) -> str:
    """The database an engine points at, without its password, for messages."""
    return engine.url.render_as_string(hide_password=True)


# SQLite --------------------------------------------------------------------------------------


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("The app's SQLite database is not a plain file; there is nothing to back up or restore.")
    return Path(database).resolve()


def _backup_sqlite(database: Path, partial: Path) -> None:
    if not _starts_with(database, SQLITE_MAGIC):
        raise BackupError(f"{database} is not an SQLite database.")
    with closing(sqlite3.connect(database, timeout=SQLITE_TIMEOUT_SECONDS)) as live:
        with closing(sqlite3.connect(partial)) as copy:
            # One step (pages=-1) reads every page in a single read transaction, so the copy is
            # one consistent state; under WAL the app's writers carry on meanwhile.
            live.backup(copy)
            # The copy is a single self-contained file, with no -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
            _check_integrity(copy, "The backup copy")


def _restore_sqlite(source: Path, database: Path) -> None:
    if not _starts_with(source, SQLITE_MAGIC):
        raise BackupError(f"{source} is not an SQLite backup.")
    try:
        backup = sqlite3.connect(source.as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(_damaged(source, error)) from error
    with closing(backup):
        # A cut-off or damaged file is refused here, before the live database is touched.
        try:
            _check_integrity(backup, "The backup")
        except (sqlite3.Error, BackupError) as error:
            raise BackupError(_damaged(source, error)) from error
        database.parent.mkdir(parents=True, exist_ok=True)
        try:
            with closing(sqlite3.connect(database, timeout=SQLITE_TIMEOUT_SECONDS)) as live:
                # The backup API writes every page under the database's own locks and journal:
                # running app processes see either the old or the restored database, never a mix.
                backup.backup(live)
                _check_integrity(live, "The restored database")
        except sqlite3.Error as error:
            raise BackupError(
                f"The restore from {source} failed: {error}. Stop the app and run the restore again; "
                "if it keeps failing, restore an older backup file."
            ) from error


def _damaged(source: Path, error: Exception) -> str:
    return (
        f"The backup {source} is damaged or incomplete ({error}); nothing was changed. "
        "Restore an older backup file, or take a new one with `flask backup`."
    )


def _check_integrity(connection: sqlite3.Connection, what: str) -> None:
    result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise BackupError(f"{what} fails PRAGMA integrity_check: {'; '.join(result[:5])}")


# PostgreSQL ----------------------------------------------------------------------------------


def _backup_postgres(engine: Engine, partial: Path) -> None:
    pg_dump = _pg_tool("pg_dump", engine)
    # pg_dump reads the whole database in one repeatable-read transaction: a consistent snapshot.
    _run_pg(
        [
            pg_dump,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--lock-wait-timeout={PG_LOCK_TIMEOUT}",
            "--file",
            str(partial),
        ],
        engine.url,
    )
    # The archive's table of contents must read back, or the file is no backup.
    _run_pg([_pg_tool("pg_restore", engine), "--list", str(partial)], engine.url)


def _restore_postgres(engine: Engine, source: Path) -> None:
    if not _starts_with(source, PG_CUSTOM_MAGIC):
        raise BackupError(f"{source} is not a PostgreSQL backup (pg_dump custom format).")
    pg_restore = _pg_tool("pg_restore", engine)
    # A file cut off in its table of contents is refused before the database is touched.
    try:
        _run_pg([pg_restore, "--list", str(source)], engine.url)
    except BackupError as error:
        raise BackupError(_damaged(source, error)) from error
    try:
        _run_pg(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                engine.url.database,
                str(source),
            ],
            engine.url,
            options=f"-c lock_timeout={PG_LOCK_TIMEOUT}",
        )
    except BackupError as error:
        # One transaction: a restore that fails half-way (e.g. a file cut off in its data) leaves the database as it was.
        raise BackupError(
            f"The restore from {source} failed and nothing was changed ({error}). If the backup is damaged or "
            "incomplete, restore an older backup file; if a lock timed out, stop the app and run it again."
        ) from error


def _pg_tool(name: str, engine: Engine) -> str:
    """The path of a PostgreSQL client tool at least as new as the server (older ones refuse or miss data)."""
    with engine.connect() as connection:
        server_major = int(connection.execute(text("SHOW server_version_num")).scalar()) // 10000
    # Debian installs each major version's tools under their own directory.
    versioned = Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")
    tool = str(versioned) if versioned.exists() else shutil.which(name)
    if tool is None:
        raise BackupError(f"{name} is not installed: apt-get install postgresql-client-{server_major}.")
    answer = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"\)\s*(\d+)", answer)
    if match is None or int(match.group(1)) < server_major:
        raise BackupError(
            f"{tool} ({answer.strip() or 'unknown version'}) is older than the PostgreSQL {server_major} server: "
            f"install postgresql-client-{server_major}."
        )
    return tool


def _run_pg(command: list[str], url: URL, options: str | None = None) -> None:
    """Run a PostgreSQL client tool against the URL's database; raises BackupError with its message."""
    env = dict(os.environ)
    # Connection settings go through the environment so that the password never shows in `ps`.
    for variable, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[variable] = str(value)
    if options:
        env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {options}".strip()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.returncode}")


# Files ---------------------------------------------------------------------------------------


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(len(magic)) == magic
    except FileNotFoundError:
        return False


def _fsync(path: Path) -> None:
    with open(path, "rb") as file:
        os.fsync(file.fileno())
