"""HQ pages: the review queue and the dashboard across countries."""

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from app.db import utcnow
from app.permissions import can_administer, can_review
from app.review.dashboard import hq_dashboard, review_queue

bp = Blueprint("hq", __name__, url_prefix="/review")


@bp.get("/")
@login_required
def queue():
    """List the plans waiting for HQ, oldest submission first, and those sent back to officers."""
    if not can_review(current_user):
        abort(403)
    return render_template("review/queue.html", queue=review_queue(utcnow()))


@bp.get("/dashboard")
@login_required
def dashboard():
    """Show every country's current plan, objectives and budgets, lessons coverage and status counts."""
    if not (can_review(current_user) or can_administer(current_user)):
        abort(403)
    return render_template("review/dashboard.html", dashboard=hq_dashboard())
