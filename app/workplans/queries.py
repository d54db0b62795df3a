"""Read queries for workplan pages, each in a fixed number of statements."""

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.catalogue.models import Country
from app.extensions import db
from app.permissions import can_view_workplan, restrict_to_visible
from app.workplans.models import Workplan


def visible_workplans(user: User) -> list[Workplan]:
    """Return the plans the user may see, by country then newest period first."""
    query = (
        select(Workplan)
        .join(Workplan.country)
        .options(joinedload(Workplan.country), joinedload(Workplan.lead_officer))
        .order_by(Country.name, Workplan.period_start.desc(), Workplan.id.desc())
    )
    return list(db.session.scalars(restrict_to_visible(query, user)).unique())


def get_visible_workplan_or_404(workplan_id: int, user: User) -> Workplan:
    """Return the plan if the user may see it; otherwise 404, exactly as for a missing plan."""
    workplan = db.session.get(Workplan, workplan_id)
    if workplan is None or not can_view_workplan(user, workplan):
        abort(404)
    return workplan
