"""Database settings and the migration history."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import flash, get_flashed_messages, request
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, inspect, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from app import create_app
from app.audit import AuditEvent
from app.catalogue.models import Country
from app.database import PROCESS_WRITER, writes, writing
from app.extensions import db, migrate
from app.workplans.models import Workplan
from tests import factories
from tests.workplans.helpers import open_step, post_step


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"


def test_sqlite_connections_have_foreign_keys_wal_and_busy_timeout(tmp_path):
    sqlite_app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'pragmas.db'}")
    with sqlite_app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced(app, catalogue):
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "INSERT INTO risks (workplan_id, position, description, mitigation, owner) VALUES (999, 1, '', '', '')"
            )
        )
    db.session.rollback()


def _table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_migrations_build_the_models_schema_and_downgrade_to_empty(bare_app):
    assert _table_names() == set()

    upgrade()
    assert _table_names() == set(db.metadata.tables)
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)
    assert differences == []

    downgrade(revision="base")
    assert _table_names() == set()


def test_every_test_database_is_migrated_to_head(app):
    head = ScriptDirectory.from_config(migrate.get_config()).get_current_head()
    assert db.session.scalar(text("SELECT version_num FROM alembic_version")) == head


def test_the_migrated_audit_log_refuses_updates_and_deletes(app, catalogue):
    factories.make_user("someone@example.org", "hq")
    db.session.commit()
    event_id = db.session.scalar(text("SELECT id FROM audit_events LIMIT 1"))
    assert event_id is not None
    for statement in ("UPDATE audit_events SET note = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.get(AuditEvent, event_id).note == ""


def test_sqlite_transactions_take_the_write_lock_first_only_in_a_writing_block(tmp_path):
    sqlite_app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'locks.db'}")
    statements = []
    with sqlite_app.app_context():
        db.create_all()
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        with sqlite_app.test_request_context("/login", method="POST"), writing():
            db.session.execute(text("SELECT 1"))
        with sqlite_app.test_request_context("/login", method="POST"):
            db.session.execute(text("SELECT 2"))
            db.session.rollback()
        db.session.remove()
    assert statements == ["BEGIN IMMEDIATE", "SELECT 1", "SELECT 2"]
    assert not PROCESS_WRITER.locked()


def test_a_writing_view_takes_the_write_lock_for_a_form_and_reads_without_it_otherwise(
    app, pk_officer, demo_plan, sign_in
):
    seen = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    officer = sign_in(pk_officer)
    seen.clear()
    values = open_step(officer, demo_plan.id, "context")
    assert "BEGIN IMMEDIATE" not in seen
    values["context_situation"] = "Saved under the write lock"
    assert post_step(officer, demo_plan.id, "context", values).status_code == 302
    if db.engine.dialect.name == "sqlite":
        assert "BEGIN IMMEDIATE" in seen
    db.session.expire_all()
    assert db.session.get(Workplan, demo_plan.id).context_situation == "Saved under the write lock"


# Print first, then write the audit line in a writing() block: the print must not hold the lock.
READS_THEN_WRITES = {"export.meeting_pack"}


def test_every_view_that_takes_a_form_declares_that_it_writes():
    routes_app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    undeclared = sorted(
        rule.endpoint
        for rule in routes_app.url_map.iter_rules()
        if "POST" in rule.methods
        and rule.endpoint not in READS_THEN_WRITES
        and not getattr(routes_app.view_functions[rule.endpoint], "writes", False)
    )
    assert undeclared == []


def test_a_change_that_fails_to_commit_leaves_no_row_and_no_message(app, catalogue, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/probe", methods=["GET", "POST"])
    @writes
    def probe():
        if request.method == "GET":
            return " ".join(get_flashed_messages())
        db.session.add(Country(code="XX", name="A country"))
        # Only the commit finds the missing phase: the view has already answered.
        flash("Country added.")
        return "added"

    response = client.post("/probe")
    assert response.status_code == 500
    assert "Country added." not in response.get_data(as_text=True)
    assert client.get("/probe").get_data(as_text=True) == ""
    assert db.session.scalar(select(Country).where(Country.code == "XX")) is None
