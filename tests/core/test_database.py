"""Database settings and the migration history."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from app import create_app
from app.extensions import db, migrate
from app.review.models import AuditEvent
from tests import factories


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


def test_sqlite_requests_that_write_take_the_write_lock_first(tmp_path):
    sqlite_app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'locks.db'}")
    statements = []
    with sqlite_app.app_context():
        db.create_all()
        from sqlalchemy import event

        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        with sqlite_app.test_request_context("/login", method="POST"):
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
        with sqlite_app.test_request_context("/login", method="GET"):
            db.session.execute(text("SELECT 2"))
            db.session.rollback()
        db.session.remove()
    assert statements == ["BEGIN IMMEDIATE", "SELECT 1", "SELECT 2"]
