"""Test data builders that go through the same services as the app."""

import copy
from functools import cache

import yaml

from app.auth.models import Role, User
from app.auth.services import countries_by_code, create_user
from app.catalogue.seeding import SEEDS_DIR
from app.demo import build_workplan
from app.extensions import db
from app.review.comments import add_comment
from app.review.models import Comment
from app.review.workflow import approve_workplan, request_changes, revise_workplan, submit_workplan
from app.workplans.models import Workplan

PASSWORD = "correct horse battery staple"


def make_user(email: str, role: str, countries: list[str] = (), password: str = PASSWORD) -> User:
    """Create an account with the test password."""
    return create_user(
        email=email,
        name=email.split("@")[0],
        role=Role(role),
        password=password,
        countries=countries_by_code(list(countries)),
    )


def make_workplan(country_code: str, title: str = "Workplan 2026–2027", **values) -> Workplan:
    """Create a blank draft workplan for a country."""
    (country,) = countries_by_code([country_code])
    workplan = Workplan(country=country, title=title, period_start=2026, period_end=2027, **values)
    db.session.add(workplan)
    db.session.flush()
    return workplan


@cache
def _demo_data() -> dict:
    return yaml.safe_load((SEEDS_DIR / "demo.yaml").read_text(encoding="utf-8"))


def make_demo_plan(officer: User) -> Workplan:
    """The complete Pakistan plan of seeds/demo.yaml, led by this officer: green on every readiness rule."""
    # A copy: the plan's lists end up in JSON columns that tests may change.
    plan = copy.deepcopy(_demo_data()["workplan"])
    return build_workplan(plan, {officer.email: officer, "officer.pk@example.org": officer})


def make_comment(workplan: Workplan, author: User, body: str, section: str = "summary", **values) -> Comment:
    """Add a comment on a section of the plan, stored as HQ or an officer would leave it."""
    comment = Comment(
        workplan_id=workplan.id, author_id=author.id, anchor_type="section", section=section, body=body, **values
    )
    db.session.add(comment)
    return comment


# Review steps through the workflow services, for tests about what follows them rather than the
# requests themselves (those are tested over HTTP in tests/review).


def submit(workplan: Workplan, officer: User, note: str = "") -> Workplan:
    """Submit the plan as its officer does (a new revision); flushes."""
    submit_workplan(workplan, officer, note)
    return workplan


def send_back(workplan: Workplan, reviewer: User, note: str = "See the comments.") -> Workplan:
    """Ask for changes as HQ does; flushes."""
    request_changes(workplan, reviewer, note)
    return workplan


def approve(workplan: Workplan, reviewer: User, revision: int = 1) -> Workplan:
    """Approve a revision as HQ does; flushes."""
    approve_workplan(workplan, reviewer, revision)
    return workplan


def revise(workplan: Workplan, officer: User) -> Workplan:
    """Reopen an approved plan as its officer does; flushes."""
    revise_workplan(workplan, officer)
    return workplan


def comment_on(workplan: Workplan, author: User, about: str, body: str, blocking: bool = False) -> Comment:
    """Comment on a part of the plan ("section:context", "risk:12") as from the overview; flushes."""
    return add_comment(workplan, author, about, body, blocking)
