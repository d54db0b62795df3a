"""Workplan pages."""

from flask import render_template
from flask_login import current_user, login_required

from app.permissions import can_create_workplan
from app.workplans import bp
from app.workplans.queries import get_visible_workplan_or_404, visible_workplans


@bp.get("/")
@login_required
def index():
    """List the plans the signed-in user may see."""
    workplans = visible_workplans(current_user)
    return render_template(
        "workplans/index.html", workplans=workplans, can_create=can_create_workplan(current_user)
    )


@bp.get("/<int:workplan_id>/")
@login_required
def overview(workplan_id: int):
    """Show a plan: status, completeness, readiness and the whole plan read-only."""
    workplan = get_visible_workplan_or_404(workplan_id, current_user)
    return render_template("workplans/overview.html", workplan=workplan)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Start a new plan, blank or from an existing one."""
    return render_template("workplans/new.html")
