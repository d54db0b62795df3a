"""What the review panel of a plan shows: actions, comment threads, history."""

from collections import Counter

from wtforms.fields.choices import SelectChoice

from app.auth.models import User
from app.permissions import can_block_approval, can_comment, can_resolve
from app.plan_sections import COMMENT_SECTIONS, step_of_section
from app.review.comments import anchor_key, anchor_label, plan_anchors
from app.review.forms import ApproveForm, CommentForm, ReplyForm, RequestChangesForm, TransitionForm
from app.review.labels import standing_label
from app.review.queries import comment_threads, open_blocking_comments, review_notes, transition_history
from app.review.workflow import allowed_transitions, latest_revision_number
from app.workplans.models import Workplan


def review_context(workplan: Workplan, user: User, about: str | None = None) -> dict:
    """Prepared values for the review panel and the comments page; `about` preselects what a new comment is on."""
    anchors = plan_anchors(workplan)
    by_key = {anchor.key: anchor for anchor in anchors}
    # Open threads first; sorted() keeps each group oldest first.
    threads = sorted(comment_threads(workplan), key=lambda thread: not thread.is_open)
    comment_form = CommentForm(formdata=None, about=about or "section:summary")
    comment_form.about.choices = [
        SelectChoice(anchor.key, anchor.label, optgroup=COMMENT_SECTIONS[anchor.section]) for anchor in anchors
    ]
    latest = latest_revision_number(workplan)
    return {
        "open_by_anchor": Counter(anchor_key(thread) for thread in threads if thread.is_open),
        "threads": [(thread, anchor_label(thread, by_key)) for thread in threads],
        "open_count": sum(1 for thread in threads if thread.is_open),
        "resolvable_ids": {thread.id for thread in threads if thread.is_open and can_resolve(user, thread, workplan)},
        "can_comment": can_comment(user, workplan),
        "can_block": can_block_approval(user),
        "comment_form": comment_form,
        "reply_form": ReplyForm(formdata=None),
        "transitions": allowed_transitions(workplan, user),
        "transition_form": TransitionForm(formdata=None),
        "request_changes_form": RequestChangesForm(formdata=None),
        "approve_form": ApproveForm(formdata=None, revision=latest),
        "latest_revision": latest,
        "standing": standing_label(workplan.status, latest, workplan.approved_revision_number),
        "blocking_open": open_blocking_comments(workplan),
        "history": transition_history(workplan),
        "review_notes": review_notes(workplan),
    }


def step_review_context(workplan: Workplan, user: User, step_key: str) -> dict:
    """Prepared values for a step page: the review notes, the step's open comment threads and counts per step.

    `item_threads` holds the threads about one item by its anchor ("output:12"); a lesson's also by
    "recommendation:<id>", since the Lessons step lists recommendations.
    """
    threads = [thread for thread in comment_threads(workplan) if thread.is_open]
    by_key = {anchor.key: anchor for anchor in plan_anchors(workplan)}
    lessons = {lesson.id: lesson.recommendation_id for lesson in workplan.lessons}
    open_by_step: dict[str, int] = {}
    here, items = [], {}
    for thread in threads:
        step = step_of_section(thread.section)
        open_by_step[step] = open_by_step.get(step, 0) + 1
        if step != step_key:
            continue
        here.append((thread, anchor_label(thread, by_key)))
        if thread.anchor_id:
            items.setdefault(anchor_key(thread), []).append(thread)
            if thread.anchor_type == "lesson" and thread.anchor_id in lessons:
                items.setdefault(f"recommendation:{lessons[thread.anchor_id]}", []).append(thread)
    # Section comments first: they head the step; item comments follow in page order.
    here.sort(key=lambda pair: pair[0].anchor_id is not None)
    return {
        "review_notes": review_notes(workplan),
        "open_by_step": open_by_step,
        "step_threads": here,
        "item_threads": items,
        "can_comment": can_comment(user, workplan),
        "resolvable_ids": {thread.id for thread, _ in here if can_resolve(user, thread, workplan)},
        "reply_form": ReplyForm(formdata=None),
        "transition_form": TransitionForm(formdata=None),
    }
