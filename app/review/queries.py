"""Read queries for review pages and print: threads, history, revisions, notices, the notes of the review round."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.audit import AuditEvent
from app.auth.models import User
from app.extensions import db
from app.permissions import visible_country_ids
from app.review.labels import standing_label
from app.review.models import Comment, Notification, ReviewRead, Revision
from app.workplans.models import Workplan, WorkplanStatus

TRANSITION_ACTIONS = (
    "workplan.create",
    "workplan.submit",
    "workplan.request_changes",
    "workplan.approve",
    "workplan.revise",
)


def comment_threads(workplan: Workplan, up_to_revision: int | None = None) -> list[Comment]:
    """Top-level comments with their replies and people, oldest first.

    With up_to_revision, only comments made before or on that revision (or on the draft).
    """
    query = (
        select(Comment)
        .where(Comment.workplan_id == workplan.id, Comment.parent_id.is_(None))
        .options(
            joinedload(Comment.author),
            joinedload(Comment.resolved_by),
            selectinload(Comment.replies).joinedload(Comment.author),
        )
        .order_by(Comment.created_at, Comment.id)
    )
    if up_to_revision is not None:
        query = query.where(Comment.revision_number.is_(None) | (Comment.revision_number <= up_to_revision))
    return list(db.session.scalars(query).unique())


def transition_history(workplan: Workplan) -> list[AuditEvent]:
    """The plan's status changes, oldest first, with who made them."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.workplan_id == workplan.id, AuditEvent.action.in_(TRANSITION_ACTIONS))
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return list(db.session.scalars(query))


def revisions_of(workplan: Workplan) -> list[Revision]:
    """Every revision of the plan, oldest first, with who submitted it."""
    query = (
        select(Revision)
        .where(Revision.workplan_id == workplan.id)
        .options(joinedload(Revision.created_by))
        .order_by(Revision.number)
    )
    return list(db.session.scalars(query))


def latest_revision_numbers(workplan_ids: list[int]) -> dict[int, int]:
    """The newest revision number of each plan (plans never submitted are left out), in one statement."""
    if not workplan_ids:
        return {}
    rows = db.session.execute(
        select(Revision.workplan_id, func.max(Revision.number))
        .where(Revision.workplan_id.in_(workplan_ids))
        .group_by(Revision.workplan_id)
    )
    return dict(rows.all())


def open_blocking_counts(workplan_ids: list[int]) -> dict[int, int]:
    """How many blocking comments each plan still has open (plans with none are left out), in one statement."""
    if not workplan_ids:
        return {}
    rows = db.session.execute(
        select(Comment.workplan_id, func.count(Comment.id))
        .where(Comment.workplan_id.in_(workplan_ids), Comment.is_blocking.is_(True), Comment.resolved_at.is_(None))
        .group_by(Comment.workplan_id)
    )
    return dict(rows.all())


def open_blocking_comments(workplan: Workplan) -> int:
    """How many blocking comments on the plan are still open."""
    return open_blocking_counts([workplan.id]).get(workplan.id, 0)


def plan_standings(workplans: list[Workplan]) -> dict[int, str]:
    """Each plan's standing label ("Approved revision 2 · revision 3 in draft"), by plan id."""
    latest = latest_revision_numbers([workplan.id for workplan in workplans])
    return {
        workplan.id: standing_label(workplan.status, latest.get(workplan.id), workplan.approved_revision_number)
        for workplan in workplans
    }


def get_revision(workplan: Workplan, number: int) -> Revision | None:
    """One revision of the plan by its number."""
    return db.session.scalar(select(Revision).where(Revision.workplan_id == workplan.id, Revision.number == number))


def last_read_revision(user: User, workplan: Workplan) -> int | None:
    """The revision of the plan this reviewer last read, if any."""
    return db.session.scalar(
        select(ReviewRead.revision_number).where(ReviewRead.user_id == user.id, ReviewRead.workplan_id == workplan.id)
    )


def _visible_notices(user: User):
    """The user's notices about plans they may still see (an officer moved to another country loses the old ones)."""
    condition = Notification.user_id == user.id
    country_ids = visible_country_ids(user)
    if country_ids is not None:
        visible_plans = select(Workplan.id).where(Workplan.country_id.in_(country_ids))
        condition = condition & (Notification.workplan_id.is_(None) | Notification.workplan_id.in_(visible_plans))
    return condition


def unread_count(user: User) -> int:
    """How many notices the user has not read."""
    return db.session.scalar(
        select(func.count(Notification.id)).where(_visible_notices(user), Notification.read_at.is_(None))
    )


def notices_for(user: User, limit: int = 100) -> list[Notification]:
    """The user's latest notices, newest first."""
    query = (
        select(Notification)
        .where(_visible_notices(user))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class ReviewNote:
    """The note that went with a submission or a send-back: who wrote it, when, on which revision."""

    kind: str
    text: str
    author: str
    at: datetime
    revision: int | None

    @property
    def is_from_hq(self) -> bool:
        return self.kind == "workplan.request_changes"


NOTE_ACTIONS = ("workplan.submit", "workplan.request_changes")


def latest_notes(workplan_ids: list[int]) -> dict[int, dict[str, ReviewNote]]:
    """The newest submission and send-back of each plan, with their notes, in one statement."""
    if not workplan_ids:
        return {}
    rank = func.row_number().over(
        partition_by=(AuditEvent.workplan_id, AuditEvent.action), order_by=(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    ranked = (
        select(AuditEvent.id, rank.label("rank"))
        .where(AuditEvent.workplan_id.in_(workplan_ids), AuditEvent.action.in_(NOTE_ACTIONS))
        .subquery()
    )
    events = db.session.scalars(
        select(AuditEvent)
        .join(ranked, ranked.c.id == AuditEvent.id)
        .where(ranked.c.rank == 1)
        .options(joinedload(AuditEvent.actor))
    )
    notes: dict[int, dict[str, ReviewNote]] = {}
    for event in events:
        author = event.actor.name if event.actor else "—"
        revision = (event.details or {}).get("revision")
        notes.setdefault(event.workplan_id, {})[event.action] = ReviewNote(
            event.action, event.note or "", author, event.at, revision
        )
    return notes


def current_notes(workplan: Workplan, notes: dict[str, ReviewNote]) -> list[ReviewNote]:
    """The notes of the plan's current review round, HQ's first: what should change, then the officers' note.

    HQ's request stands while the plan is sent back or resubmitted, until it is approved; the officers'
    note stands while their submission is being reviewed or answered.
    """
    shown = []
    request = notes.get("workplan.request_changes")
    submission = notes.get("workplan.submit")
    in_round = workplan.status in (WorkplanStatus.CHANGES_REQUESTED, WorkplanStatus.SUBMITTED)
    if in_round and request and request.text and (workplan.approved_at is None or request.at > workplan.approved_at):
        shown.append(request)
    if in_round and submission and submission.text:
        shown.append(submission)
    return shown


def review_notes(workplan: Workplan) -> list[ReviewNote]:
    """The notes of the plan's current review round (see current_notes)."""
    return current_notes(workplan, latest_notes([workplan.id]).get(workplan.id, {}))
