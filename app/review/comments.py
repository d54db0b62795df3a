"""Comments on a plan's sections and items: add, reply, resolve."""

from dataclasses import dataclass

from app.audit import record_event
from app.auth.models import User
from app.db import utcnow
from app.errors import NotAllowed, RefusedChange
from app.extensions import db
from app.review.models import Comment
from app.review.notifications import notify_country_officers, notify_hq
from app.review.workflow import latest_revision_number
from app.workplans.models import Workplan

SECTIONS = {
    "summary": "Summary",
    "context": "Context and needs",
    "theory": "Theory of change",
    "lessons": "Lessons applied",
    "results": "Results framework",
    "activities": "Activity plan",
    "budget": "Budget",
    "risks": "Risks",
    "partnerships": "Partnerships and ownership",
    "mel": "Monitoring, evaluation and learning",
    "sustainability": "Sustainability and exit",
}
ITEM_SECTIONS = {
    "objective": "results",
    "output": "results",
    "indicator": "results",
    "activity": "activities",
    "risk": "risks",
    "lesson": "lessons",
}


@dataclass(frozen=True)
class Anchor:
    """What a comment is about: a section, or one item of the plan."""

    key: str
    section: str
    label: str
    item_type: str = "section"
    item_id: int | None = None


def plan_anchors(workplan: Workplan) -> list[Anchor]:
    """Every section and item of the plan a comment can be attached to, in page order."""
    anchors = [Anchor(f"section:{key}", key, title) for key, title in SECTIONS.items()]
    for item in workplan.objectives:
        number = item.objective.number
        anchors.append(Anchor(f"objective:{item.id}", "results", f"Objective {number}", "objective", item.id))
        for output in item.outputs:
            code = f"{number}.{output.position}"
            anchors.append(Anchor(f"output:{output.id}", "results", f"Output {code}", "output", output.id))
            for i, indicator in enumerate(output.indicators, start=1):
                anchors.append(
                    Anchor(f"indicator:{indicator.id}", "results", f"Indicator {code}.{i}", "indicator", indicator.id)
                )
            for activity in output.activities:
                label = f"Activity {code}.{activity.position}"
                anchors.append(Anchor(f"activity:{activity.id}", "activities", label, "activity", activity.id))
    for risk in workplan.risks:
        anchors.append(Anchor(f"risk:{risk.id}", "risks", f"Risk {risk.position}", "risk", risk.id))
    for lesson in workplan.lessons:
        anchors.append(
            Anchor(f"lesson:{lesson.id}", "lessons", f"Lesson “{lesson.recommendation.label}”", "lesson", lesson.id)
        )
    return anchors


def anchor_key(comment: Comment) -> str:
    """The key of the section or item the comment is about, as in Anchor.key ("output:12", "section:mel")."""
    return f"{comment.anchor_type}:{comment.anchor_id}" if comment.anchor_id else f"section:{comment.section}"


def anchor_label(comment: Comment, anchors: dict[str, Anchor]) -> str:
    """The comment's anchor as people read it; items removed since are named as such."""
    anchor = anchors.get(anchor_key(comment))
    return (
        anchor.label
        if anchor
        else f"A removed {comment.anchor_type} ({SECTIONS.get(comment.section, comment.section)})"
    )


def can_comment(user: User, workplan: Workplan) -> bool:
    """HQ reviewers and the officers of the plan's country comment."""
    return user.is_hq or (user.is_officer and workplan.country_id in user.country_ids)


def _notify_about(comment: Comment, workplan: Workplan, user: User) -> None:
    message = f"New comment on “{workplan.title}” by {user.name}."
    if user.is_hq:
        notify_country_officers(workplan, "comment", message, exclude=user)
    else:
        notify_hq(workplan, "comment", message)


def add_comment(workplan: Workplan, user: User, anchor_key: str, body: str, is_blocking: bool = False) -> Comment:
    """Add a comment on a section or item; raises NotAllowed, or RefusedChange for an unknown anchor."""
    _check_can_comment(user, workplan)
    anchor = {a.key: a for a in plan_anchors(workplan)}.get(anchor_key)
    if anchor is None:
        raise RefusedChange("Choose what the comment is about from the list.", field="about")
    # Only HQ can hold up approval.
    blocking = bool(is_blocking and user.is_hq)
    return _post(
        workplan,
        user,
        body,
        "comment.add",
        anchor.item_type,
        anchor.item_id,
        anchor.section,
        is_blocking=blocking,
        audit={"blocking": blocking},
    )


def reply_to_comment(parent: Comment, workplan: Workplan, user: User, body: str) -> Comment:
    """Reply in a comment's thread; raises NotAllowed."""
    _check_can_comment(user, workplan)
    return _post(
        workplan,
        user,
        body,
        "comment.reply",
        parent.anchor_type,
        parent.anchor_id,
        parent.section,
        parent_id=parent.id,
        audit={"parent_id": parent.id},
    )


def _check_can_comment(user: User, workplan: Workplan) -> None:
    if not can_comment(user, workplan):
        raise NotAllowed("You cannot comment on this plan.")


def _post(workplan, user, body, action, anchor_type, anchor_id, section, audit, **fields) -> Comment:
    """Store a comment or reply on the plan's latest revision, audit it and tell the people concerned."""
    comment = Comment(
        workplan_id=workplan.id,
        author_id=user.id,
        anchor_type=anchor_type,
        anchor_id=anchor_id,
        section=section,
        body=body.strip(),
        revision_number=latest_revision_number(workplan) or None,
        **fields,
    )
    db.session.add(comment)
    db.session.flush()
    record_event(action, actor=user, workplan=workplan, obj=comment, **audit)
    _notify_about(comment, workplan, user)
    return comment


def can_resolve(user: User, comment: Comment, workplan: Workplan) -> bool:
    """HQ resolves any comment; officers resolve their country's non-blocking ones."""
    if user.is_hq:
        return True
    return not comment.is_blocking and user.is_officer and workplan.country_id in user.country_ids


def resolve_comment(comment: Comment, workplan: Workplan, user: User) -> None:
    """Mark a thread resolved; raises NotAllowed."""
    if not can_resolve(user, comment, workplan):
        raise NotAllowed("Only HQ resolves blocking comments.")
    if comment.resolved_at is None:
        comment.resolved_at = utcnow()
        comment.resolved_by_id = user.id
        record_event("comment.resolve", actor=user, workplan=workplan, obj=comment)
