"""Fixtures for workplan tests: the complete demo plan and signed-in officers."""

import pytest
import yaml

from app.catalogue.seeding import SEEDS_DIR
from app.demo import build_workplan
from app.extensions import db
from tests import factories


@pytest.fixture
def pk_officer(catalogue):
    officer = factories.make_user("off.pk@example.org", "officer", ["PK"])
    db.session.commit()
    return officer


@pytest.fixture
def demo_plan(pk_officer):
    """The complete Pakistan plan of seeds/demo.yaml: green on every readiness rule."""
    data = yaml.safe_load((SEEDS_DIR / "demo.yaml").read_text(encoding="utf-8"))
    workplan = build_workplan(data["workplan"], {pk_officer.email: pk_officer, "officer.pk@example.org": pk_officer})
    db.session.commit()
    return workplan
