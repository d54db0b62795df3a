"""Fixtures for the security tests."""

import pytest
from sqlalchemy import select

from app.catalogue.models import Partner
from app.extensions import db
from app.review.models import Revision
from app.workplans.snapshots import snapshot_workplan
from tests import factories


@pytest.fixture
def scene(catalogue):
    """A Pakistani draft plan with an HQ comment, the four kinds of users, a partner and a target account."""
    people = {
        "officer_own": factories.make_user("own@example.org", "officer", ["PK"]),
        "officer_other": factories.make_user("other@example.org", "officer", ["IQ"]),
        "hq": factories.make_user("hq@example.org", "hq"),
        "admin": factories.make_user("admin@example.org", "admin"),
    }
    plan = factories.make_workplan("PK", title="Pakistan plan")
    db.session.flush()
    comment = factories.make_comment(plan, people["hq"], "Please shorten.")
    db.session.add(Revision(workplan_id=plan.id, number=1, plan_version=1, snapshot=snapshot_workplan(plan)))
    db.session.commit()
    partner_id = db.session.scalar(select(Partner.id).order_by(Partner.id))
    values = {
        "workplan_id": plan.id,
        "step_key": "context",
        "comment_id": comment.id,
        "user_id": people["officer_other"].id,
        "partner_id": partner_id,
    }
    return people, values
