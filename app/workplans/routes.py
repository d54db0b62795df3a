"""Workplan pages: list, start, overview, the guided step editor and submission."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import NotFound

from app.auth.carry import CARRIED_ENDPOINTS, login_keeping_form
from app.core.errors import BUSY_RETRY_SECONDS, database_busy_page, give_up_write, render_error
from app.database import DatabaseBusy, is_database_busy, writes
from app.errors import RefusedChange, StaleEdit
from app.extensions import db
from app.permissions import access, can_create_workplan, can_edit_workplan, is_country_officer
from app.workplans import bp
from app.workplans.budget import euros_by_activity_id, plan_budget
from app.workplans.context import StepContext
from app.workplans.fields import choices, flat_errors
from app.workplans.forms import NewWorkplanForm
from app.workplans.labels import entry_names
from app.workplans.panels import plan_panels
from app.workplans.queries import get_full_workplan_or_404, visible_workplans
from app.workplans.readiness import check_readiness
from app.workplans.rows import add_row, parse_action, remove_row
from app.workplans.services import create_workplan, save_step
from app.workplans.snapshots import snapshot_workplan
from app.workplans.steps import STEPS, get_step, next_step, previous_step, progress


@bp.get("/")
@access("signed_in")
def index():
    """List the plans the signed-in user may see."""
    workplans = visible_workplans(current_user)
    return render_template(
        "workplans/index.html",
        workplans=workplans,
        **plan_panels().listing(workplans),
        can_create=can_create_workplan(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@access("officer")
@writes
def new():
    """Start a new plan for one of the officer's countries, blank or from an existing plan."""
    if not can_create_workplan(current_user):
        abort(403)
    sources = {plan.id: plan for plan in visible_workplans(current_user)}
    form = NewWorkplanForm()
    form.country_id.choices = choices((c.id, c.name) for c in current_user.countries)
    form.source_workplan_id.choices = choices(
        [(0, "A blank plan")]
        + [(plan.id, f"{plan.country.name}: {plan.title} ({plan.status.label})") for plan in sources.values()]
    )
    if form.validate_on_submit(strict=True):
        (country,) = [c for c in current_user.countries if c.id == form.country_id.data]
        source = sources.get(form.source_workplan_id.data)
        workplan = create_workplan(
            current_user,
            country,
            form.title.data,
            form.period_start.data,
            form.period_end.data,
            source=source,
            ip_address=request.remote_addr,
        )
        flash("Your plan is started. Work through the steps in any order; Save keeps what you typed.", "success")
        return redirect(url_for("workplans.step", workplan_id=workplan.id, step_key="basics"))
    return render_template("workplans/new.html", form=form, flat_errors=flat_errors(form))


@bp.get("/<int:workplan_id>/")
@access("plan_viewer")
def overview(workplan_id: int):
    """Show a plan: status, completeness, readiness and the whole plan read-only."""
    workplan = get_full_workplan_or_404(workplan_id, current_user)
    snapshot = snapshot_workplan(workplan)  # the budget as the PDF prints it: whole euros that add up
    return render_template(
        "workplans/overview.html",
        workplan=workplan,
        progress=progress(workplan),
        readiness=check_readiness(workplan),
        budget=plan_budget(snapshot),
        activity_euros=euros_by_activity_id(snapshot),
        can_edit=can_edit_workplan(current_user, workplan),
        **plan_panels().overview(workplan, current_user, request.args.get("about")),
    )


def _load_editable(workplan_id: int):
    workplan = get_full_workplan_or_404(workplan_id, current_user)
    if not can_edit_workplan(current_user, workplan):
        if request.method == "GET":
            if is_country_officer(current_user, workplan.country_id):
                flash(f"This plan is “{workplan.status.label}” and cannot be edited now.", "warning")
            else:
                flash("Only the officers of the plan's country edit it; comment on it instead.", "info")
            return workplan, redirect(url_for("workplans.overview", workplan_id=workplan.id))
        abort(403)
    return workplan, None


@bp.route("/<int:workplan_id>/steps/<step_key>", methods=["GET", "POST"])
@access("plan_editor")
@writes
def step(workplan_id: int, step_key: str):
    """Show and save one step of the guided editor."""
    step = get_step(step_key) or abort(404)
    workplan, refusal = _load_editable(workplan_id)
    if refusal:
        return refusal
    ctx = StepContext(workplan, current_user, ip_address=request.remote_addr)
    if step.form_class is None:
        return _render_check(workplan, step)

    if request.method == "GET":
        form = step.form_class(data=step.form_data(workplan, ctx))
        step.prepare_form(form, ctx)
        return _render_step(workplan, step, form, ctx)

    verb, formdata, anchor = _posted_formdata()
    # Type checks only: whatever is well-formed is saved, complete or not.
    form = step.form_class(formdata=formdata)
    step.prepare_form(form, ctx)
    if verb == "restore":
        return _render_step(
            workplan,
            step,
            form,
            ctx,
            unsaved=True,
            problem=(
                "This is the text you were saving when you were signed out. It is not saved yet: check it "
                "and press Save. If you do not recognise it, leave this page without saving."
            ),
        )
    valid = form.validate()
    if verb in ("add", "remove") and _from_script():
        # The script swaps this form in place and saves it like any typing. Saving here would change
        # the plan's version under a Save pressed meanwhile, and that Save would then look stale.
        return _render_step(workplan, step, form, ctx, unsaved=True, added=anchor)
    if not valid:
        return _render_step(workplan, step, form, ctx, unsaved=True)
    try:
        save_step(workplan, step, form.data, ctx, expected_lock_version=_as_int(form.lock_version.data))
    except RefusedChange as error:
        db.session.rollback()
        return _render_step(workplan, step, form, ctx, unsaved=True, problem=str(error))
    except StaleEdit:
        db.session.rollback()
        return _render_conflict(workplan_id, step, form)
    # What follows reads the plan back as saved: new rows with their ids, lists in their stored order.
    db.session.expire_all()
    notice = step.notice(form.data, ctx) if step.notice else None
    if notice:
        flash(notice, "info")
    if verb != "continue":
        flash("Saved.", "success")
        # "added" repeats the anchor for scripts: fetch() hides the fragment of a redirect.
        return redirect(
            url_for("workplans.step", workplan_id=workplan.id, step_key=step.key, added=anchor, _anchor=anchor)
        )
    # "Save and continue" moves on only when the step's needed fields are filled in.
    saved_form = _needed_check(workplan, step, ctx)
    if saved_form is not None:
        return _render_step(
            workplan, step, saved_form, ctx, problem="Saved. Fill in what is marked below before you continue."
        )
    flash(f"“{step.title}” is saved.", "success")
    following = next_step(step)
    return redirect(url_for("workplans.step", workplan_id=workplan.id, step_key=following.key))


@bp.post("/<int:workplan_id>/steps/<step_key>/autosave")
@access("plan_editor")
@writes
def autosave(workplan_id: int, step_key: str):
    """Save a step in the background (the editor's script calls this while the user types); JSON answers."""
    step = get_step(step_key)
    if step is None or step.form_class is None:
        abort(404)
    workplan, _ = _load_editable(workplan_id)
    ctx = StepContext(workplan, current_user, ip_address=request.remote_addr)
    form = step.form_class(formdata=request.form)
    step.prepare_form(form, ctx)
    if not form.validate():
        # Each message names its field (and its lesson, risk or row): the status line is all the user sees.
        return jsonify(saved=False, errors=[f"{label}: {message}" for _, label, message in flat_errors(form)]), 422
    try:
        save_step(workplan, step, form.data, ctx, expected_lock_version=_as_int(form.lock_version.data))
    except (RefusedChange, StaleEdit) as error:
        db.session.rollback()
        return jsonify(saved=False, errors=[str(error)]), 409
    # What follows reads the plan back as saved: new rows with their ids, lists in their stored order.
    db.session.expire_all()
    saved = step.form_class(formdata=None, data=step.form_data(workplan, ctx))
    # New rows got ids: the page must send them next time, or the next save would add the rows again.
    hidden = {field.name: "" if field.data is None else str(field.data) for field in _hidden_fields(saved)}
    return jsonify(saved=True, saved_at=workplan.updated_at.strftime("%H:%M"), hidden=hidden)


def _hidden_fields(fields):
    """Every hidden field of a form, nested entries included."""
    for field in fields:
        if field.type == "FieldList":
            for entry in field.entries:
                yield from _hidden_fields([entry])
        elif field.type == "FormField":
            yield from _hidden_fields(field.form)
        elif field.type == "HiddenField":
            yield field


def _needed_check(workplan, step, ctx):
    """Return the saved step's form with errors for every needed field left empty, or None if none is."""
    form = step.form_class(formdata=None, data=step.form_data(workplan, ctx))
    step.prepare_form(form, ctx)
    form.validate(strict=True)
    # The token is checked on the request that saved; this form is built from the database.
    if "csrf_token" in form:
        form.csrf_token.errors = []
    return form if flat_errors(form) else None


def _posted_formdata():
    """The button's verb, the posted fields with its row added or removed, and the added row's prefix."""
    verb, target = parse_action(request.form.get("action"))
    if verb == "add":
        formdata, anchor = add_row(request.form, target)
        return verb, formdata, anchor
    if verb == "remove":
        return verb, remove_row(request.form, target), None
    return verb, request.form, None


def _from_script() -> bool:
    """Whether the editor's script sent this request (it swaps the answer into the page itself)."""
    return request.headers.get("X-Requested-With") == "fetch"


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _render_step(
    workplan,
    step,
    form,
    ctx,
    status: int = 200,
    problem: str | None = None,
    conflict=None,
    unsaved: bool = False,
    added: str | None = None,
):
    """The step page; `unsaved` when the form shows values the plan does not hold yet."""
    lookups = _lookups(workplan, ctx)
    return (
        render_template(
            "workplans/step.html",
            unsaved=unsaved,
            added=added,
            form=form,
            next=next_step(step),
            guidance=[rec for rec in ctx.recommendations if step.key in rec.steps],
            flat_errors=flat_errors(form, entry_names(form, lookups)),
            problem=problem,
            conflict=conflict,
            lookups=lookups,
            **_step_frame(workplan, step),
        ),
        status,
    )


def _step_frame(workplan, step) -> dict:
    """What every step page shows around its form: the step menu, progress and the review comments."""
    return {
        "workplan": workplan,
        "step": step,
        "steps": STEPS,
        "progress": progress(workplan),
        "previous": previous_step(step),
        **plan_panels().step(workplan, current_user, step.key),
    }


def _lookups(workplan, ctx: StepContext) -> dict:
    """Labels the step bodies show beside each repeated entry, by id."""
    return {
        "recommendations": {rec.id: rec for rec in ctx.recommendations},
        "objectives": {objective.id: objective for objective in ctx.objectives},
        "workplan_objectives": {item.id: item for item in workplan.objectives},
        "outputs": {output.id: output for output in workplan.outputs},
        "themes": ctx.themes,
    }


def _render_conflict(workplan_id: int, step, form):
    """Show the user's unsaved text beside what is saved now, ready to merge and save again."""
    db.session.expire_all()
    workplan = get_full_workplan_or_404(workplan_id, current_user)
    ctx = StepContext(workplan, current_user)
    saved = step.load(workplan, ctx)
    form.lock_version.data = workplan.lock_version
    step.prepare_form(form, ctx)
    return _render_step(workplan, step, form, ctx, status=409, conflict=saved, unsaved=True)


def _render_check(workplan, step, note: str = "", problem: str | None = None, status: int = 200):
    return (
        render_template(
            "workplans/check.html",
            readiness=check_readiness(workplan),
            note=note,
            problem=problem,
            **_step_frame(workplan, step),
        ),
        status,
    )


def check_page(workplan, note: str, problem: str, status: int):
    """The "Check and submit" step again after a refused submission, with the note still in its box."""
    return _render_check(workplan, get_step("check"), note=note, problem=problem, status=status)


@bp.errorhandler(CSRFError)
def expired_form(error):
    """An expired form on a step: show the text again with a fresh token instead of a bare 400."""
    if not current_user.is_authenticated:
        # Only the step form carries text through sign-in (it shows it back unsaved); a token-less
        # POST to autosave or "new plan" may come from another site and must store nothing.
        if request.endpoint in CARRIED_ENDPOINTS:
            return login_keeping_form(request.path)
        if request.endpoint == "workplans.autosave":
            return jsonify(saved=False, errors=["You were signed out."]), 401
        return render_error(400, "Your form expired", "Sign in again, then send the form again. Nothing was saved.")
    page = _posted_step_again(
        400,
        "Your page was open for a long time and its security check expired. Nothing is lost: "
        "your text is below. Press Save again.",
    )
    return page or render_error(400, "Your form expired", "Go back, reload the page and send it again.")


@bp.errorhandler(DatabaseBusy)
@bp.errorhandler(OperationalError)
def database_busy(error):
    """A save the database was too busy to take: the step again with the text, or a JSON refusal."""
    if not is_database_busy(error):
        raise error
    give_up_write()
    if request.endpoint == "workplans.autosave":
        return (
            jsonify(saved=False, errors=["The server is busy; it will try again."]),
            503,
            {"Retry-After": str(BUSY_RETRY_SECONDS)},
        )
    page = _posted_step_again(
        503,
        "The server was too busy to save this. Nothing is lost: your text is below. Press Save again in a moment.",
    )
    return (*page, {"Retry-After": str(BUSY_RETRY_SECONDS)}) if page else database_busy_page()


def _posted_step_again(status: int, problem: str):
    """The step a refused POST came from, filled with what was posted; None if it was no step form."""
    if request.endpoint != "workplans.step" or request.method != "POST":
        return None
    try:
        workplan = get_full_workplan_or_404(request.view_args["workplan_id"], current_user)
    except NotFound:
        # An error handler that raises turns into a 500; a plan the user may not see gets the plain answer.
        return None
    step = get_step(request.view_args["step_key"])
    if step is None or step.form_class is None or not can_edit_workplan(current_user, workplan):
        return None
    ctx = StepContext(workplan, current_user)
    # The row the user added (or removed) with this request stays added (or removed) on the page.
    _, formdata, _ = _posted_formdata()
    form = step.form_class(formdata=formdata)
    step.prepare_form(form, ctx)
    return _render_step(workplan, step, form, ctx, status=status, problem=problem, unsaved=True)


@bp.app_context_processor
def step_titles():
    """Step titles by key, for links such as "Fix this on the Results step" (on review pages too)."""
    return {"step_titles": {s.key: s.title for s in STEPS}}
