"""Fixtures for the administration pages: a signed-in administrator and look-ups."""

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.catalogue.models import Country
from app.extensions import db


@pytest.fixture
def admin_client(client, users, login):
    """The test client, signed in as the administrator."""
    login(users["admin"])
    return client


@pytest.fixture
def country_ids(catalogue):
    """ISO code → country id."""
    return dict(db.session.execute(select(Country.code, Country.id)).all())


@pytest.fixture
def audit_events():
    """Return the audit lines of one action, oldest first."""

    def events(action: str) -> list[AuditEvent]:
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))

    return events
