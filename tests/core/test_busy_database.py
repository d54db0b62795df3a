"""A database kept busy by other writers: the user gets 503 and their text back, never a 500 or a lost draft.

SQLite only: its single write lock is what can stay taken. The busy timeout is cut to 0.3 s here.
"""

import re
import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from app.audit import AuditEvent
from app.database import PROCESS_WRITER
from app.export import pack as pack_module
from app.export import services as export_services
from app.extensions import db
from app.review.models import Comment
from app.workplans.models import Workplan
from tests import factories
from tests.pages import form_values, text_of
from tests.workplans.helpers import open_step, post_step


@pytest.fixture
def database_settings(sqlite_database):
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{sqlite_database}", "SQLITE_BUSY_TIMEOUT_MS": 300}


@pytest.fixture
def officer(demo_plan, pk_officer, sign_in):
    return sign_in(pk_officer)


@contextmanager
def another_process_writing(app):
    """Hold SQLite's write lock from another connection, as a writer in another server process would."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@contextmanager
def another_thread_writing():
    """Hold this process's writer lock, as a writing request on another thread of the worker would."""
    assert PROCESS_WRITER.acquire(timeout=1)
    try:
        yield
    finally:
        PROCESS_WRITER.release()


@pytest.mark.parametrize("busy", [another_process_writing, another_thread_writing])
def test_a_step_saved_while_the_database_stays_busy_comes_back_with_its_text(app, officer, demo_plan, busy):
    values = open_step(officer, demo_plan.id, "context")
    values["context_situation"] = "Text typed <b>while</b> the server was busy"
    with busy(app) if busy is another_process_writing else busy():
        response = post_step(officer, demo_plan.id, "context", values)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    assert "Nothing is lost: your text is below. Press Save again" in text_of(response.data)
    again = form_values(response.data)
    assert again["context_situation"] == "Text typed <b>while</b> the server was busy"
    assert "<b>while</b>" not in response.get_data(as_text=True)
    assert db.session.get(Workplan, demo_plan.id).context_situation != again["context_situation"]

    assert post_step(officer, demo_plan.id, "context", again).status_code == 302
    db.session.expire_all()
    assert db.session.get(Workplan, demo_plan.id).context_situation == "Text typed <b>while</b> the server was busy"


def test_an_autosave_while_the_database_stays_busy_answers_503_in_json(app, officer, demo_plan):
    values = open_step(officer, demo_plan.id, "context")
    values["context_situation"] = "Autosaved later"
    with another_process_writing(app):
        response = officer.post(f"/workplans/{demo_plan.id}/steps/context/autosave", data=values)
    assert response.status_code == 503
    assert response.json["saved"] is False
    assert response.json["errors"] == ["The server is busy; it will try again."]


def test_a_comment_sent_while_the_database_stays_busy_is_shown_back_to_copy(app, officer, demo_plan):
    values = form_values(officer.get(f"/workplans/{demo_plan.id}/").data)
    values["about"], values["body"] = "section:context", "A long comment <script>x()</script> worth keeping"
    with another_process_writing(app):
        response = officer.post(f"/workplans/{demo_plan.id}/comments", data=values)
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "The server was too busy to save this" in page
    assert "A long comment &lt;script&gt;x()&lt;/script&gt; worth keeping" in page
    kept = re.findall(r'<label class="field__label" for="kept-\d+">([^<]+)</label>', page)
    assert kept == ["Body"]
    assert db.session.scalars(select(Comment)).all() == []


def test_every_request_hands_the_writer_lock_back(app, officer, demo_plan):
    values = open_step(officer, demo_plan.id, "context")
    values["context_situation"] = "Saved"
    assert post_step(officer, demo_plan.id, "context", values).status_code == 302
    assert not PROCESS_WRITER.locked()
    values["year_start"] = "not a year"
    assert post_step(officer, demo_plan.id, "basics", values).status_code in (200, 409)
    assert not PROCESS_WRITER.locked()
    with another_process_writing(app):
        assert post_step(officer, demo_plan.id, "context", values).status_code == 503
    assert not PROCESS_WRITER.locked()
    assert post_step(officer, demo_plan.id + 1, "context", values).status_code == 404
    assert not PROCESS_WRITER.locked()


@pytest.fixture
def statements(app):
    """Every SQL statement the app sends, in order."""
    sent = []

    def remember(connection, cursor, statement, *args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    yield sent
    event.remove(db.engine, "before_cursor_execute", remember)


@pytest.fixture
def lock_held_while(monkeypatch):
    """Wrap a render function; the returned list says, per call, whether the writer lock was held."""

    def spy_on(module, name: str) -> list[bool]:
        held, original = [], getattr(module, name)

        def spy(*args):
            held.append(PROCESS_WRITER.locked())
            return original(*args)

        monkeypatch.setattr(module, name, spy)
        return held

    return spy_on


def test_a_download_renders_without_the_write_lock_and_writes_its_audit_line_with_it(
    officer, demo_plan, statements, lock_held_while
):
    held_while_rendering = lock_held_while(export_services, "render_pdf")
    assert officer.get(f"/workplans/{demo_plan.id}/export.pdf").status_code == 200
    assert held_while_rendering == [False]
    audit = next(i for i, sql in enumerate(statements) if sql.startswith("INSERT INTO audit_events"))
    assert "BEGIN IMMEDIATE" in statements[:audit]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "workplan.export")) is not None


def test_a_meeting_pack_is_printed_without_keeping_other_writers_waiting(demo_plan, sign_in, lock_held_while):
    held_while_rendering = lock_held_while(pack_module, "render_documents")
    hq = factories.make_user("hq@example.org", "hq")
    db.session.commit()
    reviewer = sign_in(hq)
    values = form_values(reviewer.get("/review/pack").data)
    response = reviewer.post("/review/pack", data=values)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert held_while_rendering == [False]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review.pack")) is not None


def test_any_other_database_error_is_still_a_500_page(app, officer, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from app.workplans import routes

    def broken(user):
        raise OperationalError("SELECT 1", {}, Exception("disk I/O error"))

    monkeypatch.setattr(routes, "visible_workplans", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = officer.get("/workplans/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
