"""Fixtures: an app per test on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too."""

import contextvars
import os

import pytest
import yaml
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.catalogue.seeding import SEEDS_DIR, seed_catalogue
from app.demo import build_workplan
from app.extensions import db
from app.workplans.models import WorkplanStatus
from tests import factories

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]
_postgres_tests_run = 0


def pytest_configure(config):
    if REQUIRE_POSTGRES and not POSTGRES_URL:
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set.")


def pytest_sessionfinish(session, exitstatus):
    # CI must not pass with the PostgreSQL half silently skipped.
    if REQUIRE_POSTGRES and _postgres_tests_run == 0 and session.testscollected:
        print("\nREQUIRE_POSTGRES=1 but no test ran against PostgreSQL.")
        session.exitstatus = 1


@pytest.fixture(scope="session")
def postgres_schema():
    """A schema of this test process's own, so concurrent runs on one PostgreSQL server never collide."""
    schema = f"test_{os.getpid()}"
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    yield schema
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_settings(request, tmp_path):
    """Settings for an empty database of each backend."""
    global _postgres_tests_run
    if request.param == "sqlite":
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}"}
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("TEST_DATABASE_URL is required")
        pytest.skip("PostgreSQL run needs TEST_DATABASE_URL")
    _postgres_tests_run += 1
    schema = request.getfixturevalue("postgres_schema")
    return {
        "SQLALCHEMY_DATABASE_URI": POSTGRES_URL,
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}},
    }


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own application context, as in production.

    Without this, requests would reuse the test's pushed context: its `g` (and so a cached
    signed-in user) and its database session would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(database_settings, tmp_path):
    """An app bound to an empty database with every table created."""
    app = create_app("testing", **database_settings, PDF_CACHE_DIR=str(tmp_path / "pdf-cache"))
    app.test_client_class = IsolatedClient
    with app.app_context():
        _reset_schema()
        yield app
        db.session.remove()
        db.engine.dispose()


def _reset_schema() -> None:
    """Empty every table, rebuilding the schema when it is not exactly the models' (e.g. after a migration test)."""
    db.session.remove()
    tables = set(inspect(db.engine).get_table_names())
    if tables == set(db.metadata.tables) and db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{name}"' for name in db.metadata.tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        return
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP FUNCTION IF EXISTS audit_events_append_only() CASCADE"))
    db.create_all()


@pytest.fixture
def catalogue(app):
    """The catalogue loaded from seeds/."""
    seed_catalogue()
    db.session.commit()


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
    data = yaml.safe_load((SEEDS_DIR / "demo.yaml").read_text(encoding="utf-8"))
    workplan = build_workplan(data["workplan"], {pk_officer.email: pk_officer, "officer.pk@example.org": pk_officer})
    db.session.commit()
    return workplan


@pytest.fixture
def iq_plan(users):
    """A blank Iraqi draft led by the Iraqi officer of `users`."""
    plan = factories.make_workplan("IQ", title="Iraq plan", lead_officer=users["off_iq"])
    db.session.commit()
    return plan


@pytest.fixture
def submitted_plan(demo_plan, pk_officer, sign_in):
    """The demo plan, submitted once by its officer (revision 1)."""
    response = sign_in(pk_officer).post(f"/workplans/{demo_plan.id}/submit")
    assert response.status_code == 302
    db.session.refresh(demo_plan)
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
