"""Plans in a given review state, built through the app's own services (run inside LiveServer.run)."""

import copy

import yaml
from sqlalchemy import select

from app.auth.models import User
from app.catalogue.seeding import SEEDS_DIR
from app.demo import build_workplan
from app.extensions import db
from app.review.comments import add_comment
from app.review.models import Comment
from app.review.workflow import request_changes, submit_workplan
from app.workplans.models import Workplan

DEMO_TITLE = "GLO.ACT Pakistan country workplan 2026–2027"
OFFICER = "officer.pk@example.org"
HQ = "hq@example.org"
COMPACT_TITLE = "Pakistan workplan 2026–2027 (short)"
COMMENT = "The budget of this SOP activity looks low for four cities."


def user(email: str) -> User:
    """The account with this e-mail (the demo accounts of seeds/demo.yaml)."""
    return db.session.scalar(select(User).where(User.email == email))


def demo_plan_id() -> int:
    """The complete Pakistan plan of seeds/demo.yaml (a draft), which LiveServer.seed creates."""
    return db.session.scalar(select(Workplan.id).where(Workplan.title == DEMO_TITLE))


def build_compact_plan() -> int:
    """A short but complete Pakistan plan: the demo plan's first output of its first two objectives."""
    plan = copy.deepcopy(yaml.safe_load((SEEDS_DIR / "demo.yaml").read_text(encoding="utf-8"))["workplan"])
    plan["title"] = COMPACT_TITLE
    plan["objectives"] = plan["objectives"][:2]
    for objective in plan["objectives"]:
        objective["outputs"] = objective["outputs"][:1]
    outputs = [output for objective in plan["objectives"] for output in objective["outputs"]]
    used = {code for output in outputs for code in output.get("lessons", [])}
    used |= {code for output in outputs for activity in output["activities"] for code in activity.get("lessons", [])}
    plan["lessons"] = [lesson for lesson in plan["lessons"] if lesson["recommendation"] in used]
    plan["risks"] = plan["risks"][:2]
    return build_workplan(plan, {OFFICER: user(OFFICER)}).id


def submitted_plan() -> int:
    """The compact plan, submitted by its officer: revision 1 waits in HQ's queue."""
    plan_id = build_compact_plan()
    submit_workplan(db.session.get(Workplan, plan_id), user(OFFICER))
    return plan_id


def sent_back_plan() -> int:
    """Revision 1 with HQ's blocking comment on the first activity, sent back for changes."""
    plan_id = submitted_plan()
    workplan, hq = db.session.get(Workplan, plan_id), user(HQ)
    add_comment(workplan, hq, f"activity:{workplan.activities[0].id}", COMMENT, is_blocking=True)
    request_changes(workplan, hq, note="See the comment on activity 3.1.1.")
    return plan_id


def resubmitted_plan() -> int:
    """The officer raised the first activity's budget and submitted revision 2; the comment is still open."""
    plan_id = sent_back_plan()
    workplan = db.session.get(Workplan, plan_id)
    workplan.activities[0].budget_eur = 60000
    db.session.flush()
    submit_workplan(workplan, user(OFFICER))
    return plan_id


def open_comment_id(plan_id: int) -> int:
    return db.session.scalar(select(Comment.id).where(Comment.workplan_id == plan_id, Comment.resolved_at.is_(None)))
