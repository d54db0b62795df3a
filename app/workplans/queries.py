"""Read queries for workplan pages, each in a fixed number of statements."""

from flask import abort
from sqlalchemy import Select, false, select
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import User
from app.catalogue.models import Country, Recommendation
from app.extensions import db
from app.permissions import can_view_workplan, visible_country_ids
from app.workplans.models import Activity, Lesson, Output, Workplan, WorkplanObjective


def restrict_to_visible(query: Select, user: User) -> Select:
    """Limit a select over Workplan to the plans the user may see."""
    country_ids = visible_country_ids(user)
    if country_ids is None:
        return query
    if not country_ids:
        return query.where(false())
    return query.where(Workplan.country_id.in_(country_ids))


def visible_workplans(user: User) -> list[Workplan]:
    """Return the plans the user may see, by country then newest period first."""
    query = (
        select(Workplan)
        .join(Workplan.country)
        .options(joinedload(Workplan.country), joinedload(Workplan.lead_officer))
        .order_by(Country.name, Workplan.period_start.desc(), Workplan.id.desc())
    )
    return list(db.session.scalars(restrict_to_visible(query, user)).unique())


def full_plan_options():
    """Loader options that fetch a whole plan tree in a fixed number of statements."""
    outputs = selectinload(Workplan.objectives).selectinload(WorkplanObjective.outputs)
    activities = outputs.selectinload(Output.activities)
    return (
        joinedload(Workplan.country),
        joinedload(Workplan.lead_officer),
        selectinload(Workplan.objectives).joinedload(WorkplanObjective.objective),
        outputs.selectinload(Output.indicators),
        outputs.selectinload(Output.lessons),
        activities.selectinload(Activity.quarters),
        activities.selectinload(Activity.partners),
        activities.selectinload(Activity.lessons),
        selectinload(Workplan.lessons).joinedload(Lesson.recommendation).joinedload(Recommendation.theme),
        selectinload(Workplan.lessons).selectinload(Lesson.outputs),
        selectinload(Workplan.lessons).selectinload(Lesson.activities),
        selectinload(Workplan.risks),
    )


def get_full_workplan_or_404(workplan_id: int, user: User) -> Workplan:
    """Load a visible plan with everything it contains; 404 when missing or not visible."""
    workplan = db.session.scalar(select(Workplan).where(Workplan.id == workplan_id).options(*full_plan_options()))
    if workplan is None or not can_view_workplan(user, workplan):
        abort(404)
    return workplan
