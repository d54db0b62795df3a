"""Read queries for printing: theme order, the whole plans of a meeting pack."""

from sqlalchemy import select

from app.auth.models import User
from app.catalogue.models import Country, Theme
from app.extensions import db
from app.workplans.models import Workplan
from app.workplans.queries import full_plan_options, restrict_to_visible


def theme_order() -> dict[str, int]:
    """Community of Practice theme titles and their position, to print lessons in catalogue order."""
    return dict(db.session.execute(select(Theme.title, Theme.position)).all())


def full_plans(user: User, workplan_ids: list[int]) -> list[Workplan]:
    """The visible plans among these ids, each loaded whole; unknown and other countries' ids drop out."""
    if not workplan_ids:
        return []
    query = select(Workplan).join(Workplan.country).where(Workplan.id.in_(workplan_ids)).options(*full_plan_options())
    query = query.order_by(Country.name, Workplan.period_start.desc(), Workplan.id.desc())
    return list(db.session.scalars(restrict_to_visible(query, user)).unique())
