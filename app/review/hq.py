"""HQ pages: the review queue and the dashboard across countries."""

from flask import Blueprint, render_template

from app.db import utcnow
from app.permissions import access
from app.review.dashboard import hq_dashboard, review_queue

bp = Blueprint("hq", __name__, url_prefix="/review")


@bp.get("/")
@access("hq")
def queue():
    """List the plans waiting for HQ, oldest submission first, and those sent back to officers."""
    return render_template("review/queue.html", queue=review_queue(utcnow()))


@bp.get("/dashboard")
@access("hq_or_admin")
def dashboard():
    """Show every country's current plan, objectives and budgets, lessons coverage and status counts."""
    return render_template("review/dashboard.html", dashboard=hq_dashboard())
