"""Fixtures for review tests: signed-in clients per person and a submitted demo plan."""

import pytest

from app.extensions import db
from app.workplans.models import WorkplanStatus
from tests import factories


@pytest.fixture
def hq_user(catalogue):
    user = factories.make_user("reviewer@example.org", "hq")
    db.session.commit()
    return user


@pytest.fixture
def submitted_plan(demo_plan, pk_officer):
    """The demo plan, submitted once by its officer (revision 1)."""
    factories.submit(demo_plan, pk_officer)
    db.session.commit()
    assert demo_plan.status == WorkplanStatus.SUBMITTED
    return demo_plan
