"""`flask backup` while an officer keeps saving, `flask restore` into a fresh database: one consistent state returns."""

import os
import sqlite3
import threading
from contextlib import closing

import pytest
from sqlalchemy import select, text

from app.audit import AuditEvent
from app.auth.models import User
from app.extensions import db
from app.review.comments import add_comment, reply_to_comment
from app.review.models import Revision
from app.review.workflow import approve_workplan, revise_workplan, submit_workplan
from app.workplans.context import StepContext
from app.workplans.models import Workplan
from app.workplans.services import save_step
from app.workplans.steps import get_step
from tests.reliability.databases import app_for, postgres_database, prepare

CONTEXT = get_step("context")
# The backup starts after this many saves and the writer goes on for as many more after it ends.
SAVES_AROUND_BACKUP = 3


def _person(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _plan() -> Workplan:
    return db.session.scalar(select(Workplan).order_by(Workplan.id))


def _review_history() -> None:
    """Two revisions, an approval and a comment thread on the demo plan, through the services."""
    officer, reviewer, plan = _person("officer.pk@example.org"), _person("hq@example.org"), _plan()
    for number in (1, 2):
        submit_workplan(plan, officer)
        approve_workplan(plan, reviewer, number)
        revise_workplan(plan, officer)
    thread = add_comment(plan, reviewer, "section:context", "Name the main routes, please.", is_blocking=True)
    reply_to_comment(thread, plan, officer, "Added in the situation paragraph — النص العربي أيضا.")


def _content() -> dict[str, list[tuple]]:
    """Every row of every table (and the migration version), in primary-key order."""
    rows = {
        table.name: [tuple(row) for row in db.session.execute(select(table).order_by(*table.primary_key.columns))]
        for table in db.metadata.sorted_tables
    }
    rows["alembic_version"] = db.session.execute(text("SELECT version_num FROM alembic_version")).all()
    db.session.rollback()
    return rows


class Writer(threading.Thread):
    """Saves the context step (and now and then a comment) until told to stop; records every committed state."""

    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self.states: list[dict] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with app_for(self.url):
                self.states.append(_content())
                officer = _person("officer.pk@example.org")
                while not self.stop.is_set():
                    self._save(officer, len(self.states))
        except BaseException as error:  # noqa: BLE001  (re-raised by the test)
            self.error = error

    def _save(self, officer: User, number: int) -> None:
        plan = _plan()
        data = {
            name: f"save {number}: {name}"
            for name in ("context_situation", "context_legal", "context_gaps", "priorities")
        }
        save_step(plan, CONTEXT, data, StepContext(plan, officer), expected_lock_version=plan.lock_version)
        if number % 3 == 0:
            add_comment(plan, officer, "section:context", f"Comment with save {number}.")
        db.session.commit()
        # The only writer: what it reads right after its commit is exactly the committed state.
        self.states.append(_content())

    def wait_for(self, count: int) -> None:
        while len(self.states) < count and self.is_alive():
            self.stop.wait(0.01)


def _flask(url: str, *args: str):
    with app_for(url) as app:
        return app.test_cli_runner().invoke(args=list(args))


def _restored_content(url: str) -> dict:
    with app_for(url):
        content = _content()
        # Every revision kept its audit line.
        for revision in db.session.scalars(select(Revision)):
            assert db.session.scalar(
                select(AuditEvent.id).where(
                    AuditEvent.action == "workplan.submit",
                    AuditEvent.workplan_id == revision.workplan_id,
                    AuditEvent.details["revision"].as_integer() == revision.number,
                )
            ), revision.number
        db.session.rollback()
        return content


@pytest.fixture
def restore_target(empty_database_url, tmp_path):
    """A second, empty database of the same kind to restore into."""
    if empty_database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'app.db'}"
        return
    with postgres_database(f"test_restore_{os.getpid()}") as url:
        yield url


def test_a_backup_taken_during_saves_restores_one_consistent_state(empty_database_url, restore_target, tmp_path):
    prepare(empty_database_url, _review_history)
    backup = tmp_path / "backups" / "workplans.backup"
    writer = Writer(empty_database_url)
    writer.start()
    try:
        writer.wait_for(1 + SAVES_AROUND_BACKUP)
        result = _flask(empty_database_url, "backup", str(backup))
        writer.wait_for(len(writer.states) + SAVES_AROUND_BACKUP)
    finally:
        writer.stop.set()
        writer.join(timeout=60)
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    if empty_database_url.startswith("sqlite"):
        with closing(sqlite3.connect(backup)) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)

    refused = _flask(restore_target, "restore", str(backup))
    assert refused.exit_code != 0 and "--yes" in refused.output
    result = _flask(restore_target, "restore", str(backup), "--yes")
    assert result.exit_code == 0, result.output

    restored = _restored_content(restore_target)
    matches = [number for number, state in enumerate(writer.states) if state == restored]
    # Exactly one committed state, taken while saves went on before and after it.
    assert len(matches) == 1, "the restored database is not a state the source was ever in"
    assert SAVES_AROUND_BACKUP <= matches[0] < len(writer.states) - 1
    assert restored["revisions"] and restored["comments"]

    # Restoring over the live source winds it back to the same state, later saves and all.
    result = _flask(empty_database_url, "restore", str(backup), "--yes")
    assert result.exit_code == 0, result.output
    assert _restored_content(empty_database_url) == restored


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind(tmp_path):
    sqlite_url = f"sqlite:///{tmp_path / 'app.db'}"
    prepare(sqlite_url)
    with app_for(sqlite_url):
        before = _content()
    dump = tmp_path / "postgres.backup"
    dump.write_bytes(b"PGDMP and the rest of a pg_dump archive")
    result = _flask(sqlite_url, "restore", str(dump), "--yes")
    assert result.exit_code != 0 and "is not an SQLite backup" in result.output
    with app_for(sqlite_url):
        assert _content() == before

    # The file is refused before any connection is made, so the database need not even exist.
    result = _flask(
        "postgresql+psycopg://postgres@127.0.0.1:5432/no_such_database", "restore", str(tmp_path / "app.db"), "--yes"
    )
    assert result.exit_code != 0 and "is not a PostgreSQL backup" in result.output


def test_backup_refuses_an_in_memory_database(tmp_path):
    result = _flask("sqlite://", "backup", str(tmp_path / "memory.backup"))
    assert result.exit_code != 0 and "not a plain file" in result.output
    assert not (tmp_path / "memory.backup").exists()
