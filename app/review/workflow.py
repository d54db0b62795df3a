"""The review workflow: one transition table; every transition is checked and audited."""

from dataclasses import dataclass

from sqlalchemy import func, select

from app.audit import record_event
from app.auth.models import User
from app.db import utcnow
from app.errors import IncompleteWorkplan, InvalidTransition, NotAllowed
from app.extensions import db
from app.review.models import Revision
from app.review.snapshots import SCHEMA_VERSION, snapshot_workplan
from app.workplans.models import Workplan, WorkplanStatus
from app.workplans.readiness import check_readiness


@dataclass(frozen=True)
class Transition:
    """A named move between statuses and who may make it."""

    name: str
    sources: frozenset[WorkplanStatus]
    target: WorkplanStatus
    by_officer: bool


TRANSITIONS = {
    "submit": Transition(
        "submit",
        frozenset({WorkplanStatus.DRAFT, WorkplanStatus.CHANGES_REQUESTED}),
        WorkplanStatus.SUBMITTED,
        by_officer=True,
    ),
}


def _check(transition: Transition, workplan: Workplan, user: User) -> None:
    if transition.by_officer and not (user.is_officer and workplan.country_id in user.country_ids):
        raise NotAllowed("Only the officers of this plan's country can do this.")
    if not transition.by_officer and not user.is_hq:
        raise NotAllowed("Only HQ reviewers can do this.")
    if workplan.status not in transition.sources:
        raise InvalidTransition(f"A plan that is “{workplan.status.label}” cannot be sent on this way.")


def _move(transition: Transition, workplan: Workplan, user: User, note: str = "") -> None:
    source = workplan.status
    workplan.status = transition.target
    workplan.updated_at = utcnow()
    record_event(
        f"workplan.{transition.name}",
        actor=user,
        workplan=workplan,
        obj=workplan,
        note=note,
        from_status=source.value,
        to_status=transition.target.value,
    )


def submit_workplan(workplan: Workplan, user: User, note: str = "") -> Revision:
    """Send a plan to HQ and store an immutable revision of it.

    Raises NotAllowed, InvalidTransition, or IncompleteWorkplan when red readiness items remain.
    """
    transition = TRANSITIONS["submit"]
    _check(transition, workplan, user)
    if not check_readiness(workplan).can_submit:
        raise IncompleteWorkplan("The readiness check has red items; fix them before submitting.")
    _move(transition, workplan, user, note)
    workplan.submitted_at = utcnow()
    number = (db.session.scalar(select(func.max(Revision.number)).where(Revision.workplan_id == workplan.id)) or 0) + 1
    revision = Revision(
        workplan_id=workplan.id,
        number=number,
        plan_version=workplan.version,
        schema_version=SCHEMA_VERSION,
        snapshot=snapshot_workplan(workplan),
        created_by_id=user.id,
    )
    db.session.add(revision)
    db.session.flush()
    return revision
