"""Fixtures: an app per test on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too.

Every test gets a fresh copy of a template database built once per test process with the real
migrations (tests/templates.py), so it runs with the triggers only migrations create.
"""

import contextvars
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from app import create_app
from app.extensions import db
from app.workplans.models import WorkplanStatus
from tests import factories
from tests.templates import PostgresTemplate, SqliteTemplates, postgres_settings

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]
# A user property of each test that ran against PostgreSQL; reports carry it back from xdist workers.
ON_POSTGRES = ("backend", "postgresql")
_postgres_tests_run = 0


def pytest_configure(config):
    if REQUIRE_POSTGRES and not POSTGRES_URL:
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set.")


def pytest_runtest_logreport(report):
    global _postgres_tests_run
    # Reports from workers come back through JSON: the property's tuple is a list by then.
    if report.when == "call" and ON_POSTGRES in [tuple(item) for item in report.user_properties]:
        _postgres_tests_run += 1


def pytest_sessionfinish(session, exitstatus):
    # CI must not pass with the PostgreSQL half silently skipped. Under xdist only the controller,
    # which sees every worker's reports, decides.
    if hasattr(session.config, "workerinput"):
        return
    if REQUIRE_POSTGRES and _postgres_tests_run == 0 and session.testscollected:
        print("\nREQUIRE_POSTGRES=1 but no test ran against PostgreSQL.")
        session.exitstatus = 1


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> SqliteTemplates:
    """The migrated and the seeded SQLite template files of this test process."""
    return SqliteTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def postgres_template():
    """A migrated, seeded schema of this test process's own, so concurrent runs and xdist workers never collide."""
    template = PostgresTemplate(POSTGRES_URL, f"test_{os.getpid()}")
    yield template
    template.drop()
    template.engine.dispose()


def _wants_catalogue(request) -> bool:
    """Whether the test asks for the catalogue: its database then starts from the seeded template."""
    return "catalogue" in request.fixturenames


def _use_postgres(request) -> None:
    """Skip (or, when PostgreSQL is required, fail) without TEST_DATABASE_URL; count the test otherwise."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("TEST_DATABASE_URL is required")
        pytest.skip("PostgreSQL run needs TEST_DATABASE_URL")
    request.node.user_properties.append(ON_POSTGRES)


@pytest.fixture
def sqlite_database(request, sqlite_templates, tmp_path) -> Path:
    """A fresh copy of the SQLite template (seeded when the test asks for the catalogue)."""
    return sqlite_templates.copy(tmp_path / "test.db", _wants_catalogue(request))


@pytest.fixture(params=BACKENDS)
def database_settings(request):
    """Settings for a fresh migrated database of each backend, with the catalogue when the test asks for it."""
    if request.param == "sqlite":
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{request.getfixturevalue('sqlite_database')}"}
    _use_postgres(request)
    return request.getfixturevalue("postgres_template").restore(_wants_catalogue(request))


@pytest.fixture(params=BACKENDS)
def bare_database_settings(request, tmp_path):
    """Settings for a database without a single table, for the tests of the migrations themselves."""
    if request.param == "sqlite":
        yield {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bare.db'}"}
        return
    _use_postgres(request)
    schema = f"test_{os.getpid()}_bare"
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    yield postgres_settings(POSTGRES_URL, schema)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    engine.dispose()


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own application context, as in production.

    Without this, requests would reuse the test's pushed context: its `g` (and so a cached
    signed-in user) and its database session would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@contextmanager
def app_on(settings: dict, folder: Path) -> Iterator[Flask]:
    """A testing app on these database settings, with its PDF files under folder, in its app context."""
    app = create_app(
        "testing",
        **settings,
        PDF_CACHE_DIR=str(folder / "pdf-cache"),
        # Render slots are file locks: xdist workers and other runs on the machine keep their own.
        PDF_RENDER_LOCK_DIR=str(folder / "render-slots"),
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(database_settings, tmp_path):
    """An app bound to a fresh copy of the migrated template database."""
    with app_on(database_settings, tmp_path) as app:
        yield app


@pytest.fixture
def bare_app(bare_database_settings, tmp_path):
    """An app bound to a database without tables, for the tests of the migrations themselves."""
    with app_on(bare_database_settings, tmp_path) as app:
        yield app


@pytest.fixture
def catalogue(app):
    """The catalogue loaded from seeds/: the database of a test that asks for it starts from the seeded template."""


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def users(catalogue):
    """Officers of Iraq and Afghanistan, an HQ reviewer and an administrator."""
    created = {
        "off_iq": factories.make_user("off.iq@example.org", "officer", ["IQ"]),
        "off_af": factories.make_user("off.af@example.org", "officer", ["AF"]),
        "hq": factories.make_user("hq@example.org", "hq"),
        "admin": factories.make_user("admin@example.org", "admin"),
    }
    db.session.commit()
    return created


@pytest.fixture
def login(client):
    """Sign a user in through the real form."""

    def sign_in(user, password=factories.PASSWORD, remember=False):
        response = client.post(
            "/login", data={"email": user.email, "password": password, "remember": "y" if remember else ""}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return sign_in


@pytest.fixture
def pk_officer(catalogue):
    officer = factories.make_user("off.pk@example.org", "officer", ["PK"])
    db.session.commit()
    return officer


@pytest.fixture
def hq_user(catalogue):
    """An HQ reviewer."""
    user = factories.make_user("reviewer@example.org", "hq")
    db.session.commit()
    return user


@pytest.fixture
def demo_plan(pk_officer):
    """The complete Pakistan plan of seeds/demo.yaml: green on every readiness rule."""
    workplan = factories.make_demo_plan(pk_officer)
    db.session.commit()
    return workplan


@pytest.fixture
def iq_plan(users):
    """A blank Iraqi draft led by the Iraqi officer of `users`."""
    plan = factories.make_workplan("IQ", title="Iraq plan", lead_officer=users["off_iq"])
    db.session.commit()
    return plan


@pytest.fixture
def submitted_plan(demo_plan, pk_officer):
    """The demo plan, submitted once by its officer (revision 1)."""
    factories.submit(demo_plan, pk_officer)
    db.session.commit()
    assert demo_plan.status == WorkplanStatus.SUBMITTED
    return demo_plan


@pytest.fixture
def sign_in(app):
    """Return a new test client signed in as the given user."""

    def client_for(user):
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302
        return client

    return client_for
