"""Comments on a plan's sections and items: add, reply, resolve."""

from dataclasses import dataclass

from app.audit import record_event
from app.auth.models import User
from app.db import utcnow
from app.errors import NotAllowed, RefusedChange
from app.extensions import db
from app.permissions import can_block_approval, can_comment, can_resolve, can_review
from app.plan_sections import COMMENT_SECTIONS, item_name, item_section
from app.review.models import Comment
from app.review.notifications import notify_country_officers, notify_hq
from app.review.workflow import latest_revision_number
from app.workplans.models import Workplan


@dataclass(frozen=True)
class Anchor:
    """What a comment is about: a section, or one item of the plan."""

    key: str
    section: str
    label: str
    item_type: str = "section"
    item_id: int | None = None


def _item_anchor(kind: str, item_id: int, name: str) -> Anchor:
    return Anchor(f"{kind}:{item_id}", item_section(kind), item_name(kind, name), kind, item_id)


def plan_anchors(workplan: Workplan) -> list[Anchor]:
    """Every section and item of the plan a comment can be attached to, in page order."""
    anchors = [Anchor(f"section:{key}", key, title) for key, title in COMMENT_SECTIONS.items()]
    for item in workplan.objectives:
        number = item.objective.number
        anchors.append(_item_anchor("objective", item.id, str(number)))
        for output in item.outputs:
            code = f"{number}.{output.position}"
            anchors.append(_item_anchor("output", output.id, code))
            for i, indicator in enumerate(output.indicators, start=1):
                anchors.append(_item_anchor("indicator", indicator.id, f"{code}.{i}"))
            for activity in output.activities:
                anchors.append(_item_anchor("activity", activity.id, f"{code}.{activity.position}"))
    for risk in workplan.risks:
        anchors.append(_item_anchor("risk", risk.id, str(risk.position)))
    for lesson in workplan.lessons:
        anchors.append(_item_anchor("lesson", lesson.id, f"“{lesson.recommendation.label}”"))
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
        else f"A removed {comment.anchor_type} ({COMMENT_SECTIONS.get(comment.section, comment.section)})"
    )


def _notify_about(comment: Comment, workplan: Workplan, user: User) -> None:
    message = f"New comment on “{workplan.title}” by {user.name}."
    if can_review(user):
        notify_country_officers(workplan, "comment", message, exclude=user)
    else:
        notify_hq(workplan, "comment", message)


def add_comment(
    workplan: Workplan,
    user: User,
    anchor_key: str,
    body: str,
    is_blocking: bool = False,
    ip_address: str | None = "",
) -> Comment:
    """Add a comment on a section or item; raises NotAllowed, or RefusedChange for an unknown anchor."""
    _check_can_comment(user, workplan)
    anchor = {a.key: a for a in plan_anchors(workplan)}.get(anchor_key)
    if anchor is None:
        raise RefusedChange("Choose what the comment is about from the list.", field="about")
    blocking = bool(is_blocking and can_block_approval(user))
    return _post(
        workplan,
        user,
        body,
        "comment.add",
        anchor.item_type,
        anchor.item_id,
        anchor.section,
        ip_address=ip_address,
        is_blocking=blocking,
        audit={"blocking": blocking},
    )


def reply_to_comment(
    parent: Comment, workplan: Workplan, user: User, body: str, ip_address: str | None = ""
) -> Comment:
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
        ip_address=ip_address,
        parent_id=parent.id,
        audit={"parent_id": parent.id},
    )


def _check_can_comment(user: User, workplan: Workplan) -> None:
    if not can_comment(user, workplan):
        raise NotAllowed("You cannot comment on this plan.")


def _post(workplan, user, body, action, anchor_type, anchor_id, section, audit, ip_address, **fields) -> Comment:
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
    record_event(action, actor=user, workplan=workplan, obj=comment, ip_address=ip_address, **audit)
    _notify_about(comment, workplan, user)
    return comment


def resolve_comment(comment: Comment, workplan: Workplan, user: User, ip_address: str | None = "") -> None:
    """Mark a thread resolved; raises NotAllowed."""
    if not can_resolve(user, comment, workplan):
        raise NotAllowed("Only HQ resolves blocking comments.")
    if comment.resolved_at is None:
        comment.resolved_at = utcnow()
        comment.resolved_by_id = user.id
        record_event("comment.resolve", actor=user, workplan=workplan, obj=comment, ip_address=ip_address)
