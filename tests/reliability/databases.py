"""Throwaway databases built the production way: migrations (with their triggers), catalogue, demo data."""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask_migrate import upgrade
from sqlalchemy import create_engine, func, make_url, select, text

from app import create_app
from app.audit import AuditEvent
from app.catalogue.seeding import seed_catalogue
from app.demo import create_demo_data
from app.extensions import db
from config import DevelopmentConfig

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
DEMO_PASSWORD = DevelopmentConfig.DEMO_PASSWORD
T = TypeVar("T")


@contextmanager
def app_for(url: str) -> Iterator:
    """An app context bound to the database at url; its connections are closed on the way out."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def prepare(url: str, build: Callable[[], T] | None = None) -> T | None:
    """Migrate an empty database to head and load the catalogue and the demo data; build() may add more."""
    with app_for(url):
        upgrade()
        seed_catalogue()
        create_demo_data(DEMO_PASSWORD)
        built = build() if build is not None else None
        db.session.commit()
        return built


@contextmanager
def postgres_database(name: str, server_url: str | None = None) -> Iterator[str]:
    """Yield the URL of a new, empty database on server_url's server (default TEST_DATABASE_URL); drop it after."""
    server_url = server_url or POSTGRES_URL
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def saves_audited_per_plan() -> dict[int, int]:
    """How many `workplan.save_step` audit lines each plan has: one per acknowledged save, if none was lost."""
    return dict(
        db.session.execute(
            select(AuditEvent.workplan_id, func.count())
            .where(AuditEvent.action == "workplan.save_step")
            .group_by(AuditEvent.workplan_id)
        ).all()
    )
