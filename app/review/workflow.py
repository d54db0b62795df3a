"""The review workflow: one transition table; every transition is checked, audited and notified."""

from dataclasses import dataclass

from sqlalchemy import func, select

from app.audit import record_event
from app.auth.models import User
from app.db import utcnow
from app.errors import IncompleteWorkplan, InvalidTransition, NotAllowed, StaleRevision
from app.extensions import db
from app.permissions import can_move_workplan, can_review
from app.review.models import ReviewRead, Revision
from app.review.notifications import notify_country_officers, notify_hq
from app.review.queries import open_blocking_comments
from app.workplans.models import Workplan, WorkplanStatus
from app.workplans.readiness import check_readiness
from app.workplans.snapshots import SCHEMA_VERSION, snapshot_workplan

DRAFT, SUBMITTED, CHANGES, APPROVED = (
    WorkplanStatus.DRAFT,
    WorkplanStatus.SUBMITTED,
    WorkplanStatus.CHANGES_REQUESTED,
    WorkplanStatus.APPROVED,
)


@dataclass(frozen=True)
class Transition:
    """A named move between statuses and who may make it."""

    name: str
    sources: frozenset[WorkplanStatus]
    target: WorkplanStatus
    by_officer: bool


TRANSITIONS = {
    "submit": Transition("submit", frozenset({DRAFT, CHANGES}), SUBMITTED, by_officer=True),
    "request_changes": Transition("request_changes", frozenset({SUBMITTED}), CHANGES, by_officer=False),
    "approve": Transition("approve", frozenset({SUBMITTED}), APPROVED, by_officer=False),
    "revise": Transition("revise", frozenset({APPROVED}), DRAFT, by_officer=True),
}


def allowed_transitions(workplan: Workplan, user: User) -> set[str]:
    """Names of the transitions this user may make on this plan now (for showing buttons)."""
    return {name for name, transition in TRANSITIONS.items() if _refusal(transition, workplan, user) is None}


def authorize_transition(name: str, workplan: Workplan, user: User) -> None:
    """Raise NotAllowed when the user's role or country never allows this transition on this plan."""
    refusal = _refusal(TRANSITIONS[name], workplan, user)
    if isinstance(refusal, NotAllowed):
        raise refusal


def _refusal(transition: Transition, workplan: Workplan, user: User) -> Exception | None:
    if not can_move_workplan(user, workplan, transition.by_officer):
        if transition.by_officer:
            return NotAllowed("Only the officers of this plan's country can do this.")
        return NotAllowed("Only HQ reviewers can do this.")
    if workplan.status not in transition.sources:
        return InvalidTransition(f"A plan that is “{workplan.status.label}” cannot be moved this way.")
    return None


def _move(name: str, workplan: Workplan, user: User, note: str = "", ip_address: str | None = "", **details) -> None:
    """Check and apply a transition, with its audit line; raises NotAllowed or InvalidTransition."""
    transition = TRANSITIONS[name]
    refusal = _refusal(transition, workplan, user)
    if refusal is not None:
        raise refusal
    source = workplan.status
    workplan.status = transition.target
    workplan.updated_at = utcnow()
    record_event(
        f"workplan.{name}",
        actor=user,
        workplan=workplan,
        obj=workplan,
        note=note,
        from_status=source.value,
        to_status=transition.target.value,
        ip_address=ip_address,
        **details,
    )


def lock_workplan(workplan: Workplan) -> None:
    """Take the plan's row lock and re-read its status, so simultaneous transitions queue up.

    Without it two requests that read "submitted" at the same moment would both act: on
    PostgreSQL the second then fails on the plan's version check instead of being refused.
    """
    db.session.scalars(
        select(Workplan).where(Workplan.id == workplan.id).with_for_update().execution_options(populate_existing=True)
    ).one()


def latest_revision_number(workplan: Workplan) -> int:
    """The number of the plan's newest revision, 0 when it was never submitted."""
    return db.session.scalar(select(func.max(Revision.number)).where(Revision.workplan_id == workplan.id)) or 0


def submit_workplan(workplan: Workplan, user: User, note: str = "", ip_address: str | None = "") -> Revision:
    """Send a plan to HQ and store an immutable revision of it.

    Raises NotAllowed, InvalidTransition, or IncompleteWorkplan when red readiness items remain.
    """
    lock_workplan(workplan)
    refusal = _refusal(TRANSITIONS["submit"], workplan, user)
    if refusal is not None:
        raise refusal
    if not check_readiness(workplan).can_submit:
        raise IncompleteWorkplan("The readiness check has red items; fix them before submitting.")
    number = latest_revision_number(workplan) + 1
    _move("submit", workplan, user, note, ip_address, revision=number)
    workplan.submitted_at = utcnow()
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
    notify_hq(workplan, "submitted", f"{workplan.country.name}: “{workplan.title}” was submitted as revision {number}.")
    return revision


def request_changes(workplan: Workplan, user: User, note: str = "", ip_address: str | None = "") -> None:
    """Send a submitted plan back to its officers with a note; raises NotAllowed or InvalidTransition."""
    lock_workplan(workplan)
    _move("request_changes", workplan, user, note, ip_address, revision=latest_revision_number(workplan))
    notify_country_officers(
        workplan, "changes_requested", f"HQ asks for changes to “{workplan.title}”." + (f" {note}" if note else "")
    )


def approve_workplan(
    workplan: Workplan, user: User, revision_number: int | None, note: str = "", ip_address: str | None = ""
) -> None:
    """Approve exactly the named revision.

    Raises NotAllowed, InvalidTransition (not submitted, or blocking comments open) and
    StaleRevision when the named revision is not the latest one.
    """
    lock_workplan(workplan)
    refusal = _refusal(TRANSITIONS["approve"], workplan, user)
    if refusal is not None:
        raise refusal
    latest = latest_revision_number(workplan)
    if revision_number != latest:
        raise StaleRevision(
            f"You are approving revision {revision_number}, but the latest is revision {latest}. Review it first."
        )
    blocking = open_blocking_comments(workplan)
    if blocking:
        raise InvalidTransition(f"{blocking} blocking comment(s) are still open; resolve them before approving.")
    _move("approve", workplan, user, note, ip_address, revision=latest)
    workplan.approved_at = utcnow()
    workplan.approved_by_id = user.id
    workplan.approved_revision_number = latest
    notify_country_officers(workplan, "approved", f"HQ approved “{workplan.title}” (revision {latest}).")


def revise_workplan(workplan: Workplan, user: User, note: str = "", ip_address: str | None = "") -> None:
    """Open a new draft version of an approved plan; the approved revision stays as it was."""
    lock_workplan(workplan)
    _move("revise", workplan, user, note, ip_address, from_version=workplan.version)
    workplan.version += 1


def record_read(workplan: Workplan, user: User, revision_number: int) -> None:
    """Remember the latest revision an HQ reviewer has read, for "changes since I last reviewed"."""
    if not can_review(user) or not revision_number:
        return
    read = db.session.get(ReviewRead, (user.id, workplan.id))
    if read is None:
        db.session.add(ReviewRead(user_id=user.id, workplan_id=workplan.id, revision_number=revision_number))
    elif read.revision_number < revision_number:
        read.revision_number = revision_number
        read.read_at = utcnow()
