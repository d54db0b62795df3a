"""Review pages and actions: submit, send back, approve, revise; comments; revisions; compare; notices."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import update
from werkzeug.exceptions import NotFound

from app.core.errors import render_error
from app.database import writes, writing
from app.db import utcnow
from app.errors import IncompleteWorkplan, InvalidTransition, NotAllowed, RefusedChange, StaleRevision
from app.extensions import db
from app.permissions import access, can_comment, can_edit_workplan
from app.review import bp
from app.review.comments import add_comment, reply_to_comment, resolve_comment
from app.review.context import review_context
from app.review.diff import diff_snapshots
from app.review.forms import ApproveForm, CommentForm, ReplyForm, RequestChangesForm, TransitionForm
from app.review.models import Comment, Notification
from app.review.queries import get_revision, last_read_revision, notices_for, revisions_of, unread_count
from app.review.workflow import (
    approve_workplan,
    authorize_transition,
    latest_revision_number,
    record_read,
    request_changes,
    revise_workplan,
    submit_workplan,
)
from app.workplans.queries import get_full_workplan_or_404
from app.workplans.routes import check_page
from app.workplans.steps import get_step


def _overview(workplan_id: int, anchor: str | None = None):
    return redirect(url_for("workplans.overview", workplan_id=workplan_id, _anchor=anchor))


def _refused(error: Exception):
    """Map a refused action onto its answer; nothing was changed."""
    db.session.rollback()
    if isinstance(error, NotAllowed):
        return render_error(403, "You may not do this", str(error))
    return render_error(409, "This cannot be done now", str(error))


@bp.post("/workplans/<int:workplan_id>/submit")
@access("plan_workflow")
@writes
def submit(workplan_id: int):
    """Send the plan to HQ for review."""
    workplan = get_full_workplan_or_404(workplan_id, current_user)
    form = TransitionForm()
    note = form.note.data or ""
    if not form.validate_on_submit():
        if not can_edit_workplan(current_user, workplan):
            return render_error(400)
        return check_page(
            workplan, note, "The note is too long: keep it under 4,000 characters, then submit again.", 400
        )
    # The readiness the officer read was checked on this version; a plan changed since is checked again.
    seen = request.form.get("lock_version")
    if seen is not None and seen != str(workplan.lock_version) and can_edit_workplan(current_user, workplan):
        return check_page(
            workplan,
            note,
            "The plan was changed after this page was opened (in another tab or by a colleague), so it was not "
            "submitted. Look at the readiness check below again, then press Submit to HQ: your note is kept.",
            409,
        )
    try:
        revision = submit_workplan(workplan, current_user, note=note, ip_address=request.remote_addr)
    except IncompleteWorkplan as error:
        db.session.rollback()
        return check_page(workplan, note, f"Not submitted: {error} Your note is kept below.", 409)
    except InvalidTransition as error:
        db.session.rollback()
        return check_page(
            workplan,
            note,
            f"Not submitted: {error} A colleague may have submitted it already: the plan's overview shows its "
            "status. Your note is kept below to copy.",
            409,
        )
    except NotAllowed as error:
        return _refused(error)
    flash(f"Submitted to HQ as revision {revision.number}. You will be told when HQ has reviewed it.", "success")
    return _overview(workplan.id)


@bp.errorhandler(CSRFError)
def expired_form(error):
    """An expired submission: the check page again with the note and a fresh token; other forms get the usual page."""
    if request.endpoint == "review.submit" and current_user.is_authenticated:
        try:
            workplan = get_full_workplan_or_404(request.view_args["workplan_id"], current_user)
        except NotFound:
            # An error handler that raises turns into a 500; a plan the user may not see gets the plain answer.
            workplan = None
        if workplan is not None and can_edit_workplan(current_user, workplan):
            return check_page(
                workplan,
                request.form.get("note", ""),
                "The page was open for a long time and its security check expired, so the plan was not submitted. "
                "Your note is kept below: press Submit to HQ again.",
                400,
            )
    return render_error(
        400, "Your form expired", "For your security the form timed out. Go back, reload the page and send it again."
    )


@bp.post("/workplans/<int:workplan_id>/request-changes")
@access("plan_workflow")
@writes
def request_changes_view(workplan_id: int):
    """Send a submitted plan back to its officers."""
    workplan = get_full_workplan_or_404(workplan_id, current_user)
    try:
        authorize_transition("request_changes", workplan, current_user)
    except NotAllowed as error:
        return _refused(error)
    form = RequestChangesForm()
    if not form.validate_on_submit():
        flash("Say what should change before sending the plan back.", "error")
        return _overview(workplan.id, "actions")
    try:
        request_changes(workplan, current_user, note=form.note.data, ip_address=request.remote_addr)
    except (NotAllowed, InvalidTransition) as error:
        return _refused(error)
    record_read(workplan, current_user, latest_revision_number(workplan))
    flash("The plan is sent back to its officers with your note.", "success")
    return _overview(workplan.id)


@bp.post("/workplans/<int:workplan_id>/approve")
@access("plan_workflow")
@writes
def approve(workplan_id: int):
    """Approve the named revision of a submitted plan."""
    workplan = get_full_workplan_or_404(workplan_id, current_user)
    try:
        authorize_transition("approve", workplan, current_user)
    except NotAllowed as error:
        return _refused(error)
    form = ApproveForm()
    if not form.validate_on_submit():
        return render_error(
            400, "Which revision?", "Approval must name the revision you reviewed. Reload the plan and try again."
        )
    try:
        approve_workplan(
            workplan, current_user, form.revision.data, note=form.note.data or "", ip_address=request.remote_addr
        )
    except (NotAllowed, InvalidTransition, StaleRevision) as error:
        return _refused(error)
    record_read(workplan, current_user, form.revision.data)
    flash(f"Revision {form.revision.data} is approved.", "success")
    return _overview(workplan.id)


@bp.post("/workplans/<int:workplan_id>/revise")
@access("plan_workflow")
@writes
def revise(workplan_id: int):
    """Open a new draft version of an approved plan."""
    workplan = get_full_workplan_or_404(workplan_id, current_user)
    form = TransitionForm()
    if not form.validate_on_submit():
        return render_error(400)
    try:
        revise_workplan(workplan, current_user, note=form.note.data or "", ip_address=request.remote_addr)
    except (NotAllowed, InvalidTransition) as error:
        return _refused(error)
    approved = workplan.approved_revision_number
    flash(
        f"Revision {latest_revision_number(workplan) + 1} is open as a draft. Approved revision {approved} stays as "
        "it was; download it from the plan's page.",
        "success",
    )
    return redirect(url_for("workplans.step", workplan_id=workplan.id, step_key="basics"))


@bp.post("/workplans/<int:workplan_id>/comments")
@access("plan_commenter")
@writes
def comment(workplan_id: int):
    """Add a comment on a section or an item."""
    workplan = get_full_workplan_or_404(workplan_id, current_user)
    if not can_comment(current_user, workplan):
        abort(403)
    form = CommentForm()
    if not form.validate_on_submit():
        flash("Write the comment and choose what it is about.", "error")
        return _overview(workplan.id, "comments")
    try:
        created = add_comment(
            workplan,
            current_user,
            form.about.data,
            form.body.data,
            form.is_blocking.data,
            ip_address=request.remote_addr,
        )
    except NotAllowed as error:
        return _refused(error)
    except RefusedChange as error:
        db.session.rollback()
        flash(str(error), "error")
        return _overview(workplan.id, "comments")
    flash("Comment added.", "success")
    return _overview(workplan.id, f"comment-{created.id}")


def _back_to_thread(workplan, comment_id: int):
    """Back where the reply or resolve was sent from: the step page it was on, else the plan's overview."""
    step = get_step(request.form.get("step") or "")
    if step is not None and can_edit_workplan(current_user, workplan):
        return redirect(
            url_for("workplans.step", workplan_id=workplan.id, step_key=step.key, _anchor=f"comment-{comment_id}")
        )
    return _overview(workplan.id, f"comment-{comment_id}")


def _thread_or_404(workplan_id: int, comment_id: int):
    """The plan and one of its threads; another plan's comment, or a reply inside a thread, is 404."""
    workplan = get_full_workplan_or_404(workplan_id, current_user)
    comment = db.session.get(Comment, comment_id)
    # Pages show replies only under their thread: a reply to a reply would be stored out of sight.
    if comment is None or comment.workplan_id != workplan.id or comment.parent_id is not None:
        abort(404)
    return workplan, comment


@bp.post("/workplans/<int:workplan_id>/comments/<int:comment_id>/replies")
@access("plan_commenter")
@writes
def reply(workplan_id: int, comment_id: int):
    """Reply in a comment's thread."""
    workplan, parent = _thread_or_404(workplan_id, comment_id)
    if not can_comment(current_user, workplan):
        abort(403)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash("Write the reply first.", "error")
        return _back_to_thread(workplan, parent.id)
    try:
        reply_to_comment(parent, workplan, current_user, form.body.data, ip_address=request.remote_addr)
    except NotAllowed as error:
        return _refused(error)
    flash("Reply added.", "success")
    return _back_to_thread(workplan, parent.id)


@bp.post("/workplans/<int:workplan_id>/comments/<int:comment_id>/resolve")
@access("plan_commenter")
@writes
def resolve(workplan_id: int, comment_id: int):
    """Mark a comment thread resolved."""
    workplan, thread = _thread_or_404(workplan_id, comment_id)
    if not TransitionForm().validate_on_submit():
        return render_error(400)
    try:
        resolve_comment(thread, workplan, current_user, ip_address=request.remote_addr)
    except NotAllowed as error:
        return _refused(error)
    flash("Comment resolved.", "success")
    return _back_to_thread(workplan, thread.id)


@bp.get("/workplans/<int:workplan_id>/comments")
@access("plan_viewer")
def comments(workplan_id: int):
    """Every comment thread of the plan, open and resolved."""
    workplan = get_full_workplan_or_404(workplan_id, current_user)
    return render_template("review/comments.html", workplan=workplan, **review_context(workplan, current_user))


@bp.get("/workplans/<int:workplan_id>/revisions/")
@access("plan_viewer")
def revisions(workplan_id: int):
    """The plan's submitted revisions, newest first."""
    workplan = get_full_workplan_or_404(workplan_id, current_user)
    return render_template("review/revisions.html", workplan=workplan, revisions=revisions_of(workplan)[::-1])


@bp.get("/workplans/<int:workplan_id>/compare")
@access("plan_viewer")
def compare(workplan_id: int):
    """Show what changed between two revisions; by default since the reviewer last read the plan."""
    workplan = get_full_workplan_or_404(workplan_id, current_user)
    latest = latest_revision_number(workplan)
    if latest == 0:
        return render_error(404, "Nothing to compare yet", "The plan has no submitted revision yet.")
    to_number = request.args.get("to", type=int) or latest
    read = last_read_revision(current_user, workplan)
    default_from = read if read and read < to_number else max(to_number - 1, 1)
    from_number = request.args.get("from", type=int) or default_from
    old, new = get_revision(workplan, from_number), get_revision(workplan, to_number)
    if old is None or new is None:
        abort(404)
    sections = diff_snapshots(old.snapshot, new.snapshot)
    if to_number == latest:
        with writing():
            record_read(workplan, current_user, latest)
    return render_template(
        "review/compare.html",
        workplan=workplan,
        old=old,
        new=new,
        sections=sections,
        numbers=list(range(1, latest + 1)),
        since_last_read=read is not None and "from" not in request.args,
    )


@bp.get("/notifications/")
@access("signed_in")
def notifications():
    """The signed-in user's notices; opening the page marks them read."""
    notices = notices_for(current_user)
    page = render_template("review/notifications.html", notices=notices)
    unread = [notice.id for notice in notices if notice.read_at is None]
    if unread:
        with writing():
            db.session.execute(update(Notification).where(Notification.id.in_(unread)).values(read_at=utcnow()))
    return page


@bp.post("/notifications/read")
@access("signed_in")
@writes
def mark_notifications_read():
    """Mark every notice read."""
    if not TransitionForm().validate_on_submit():
        return render_error(400)
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return redirect(url_for("review.notifications"))


@bp.app_context_processor
def unread_notices():
    """The unread count shown in the header on every page."""
    if current_user.is_authenticated:
        return {"unread_notices": unread_count(current_user)}
    return {"unread_notices": 0}
