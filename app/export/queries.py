"""Read queries for printing: theme order, open blocking comments, plans for a meeting pack."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.catalogue.models import Country, Theme
from app.extensions import db
from app.permissions import restrict_to_visible
from app.review.models import Comment
from app.workplans.models import Workplan
from app.workplans.queries import full_plan_options


def theme_order() -> dict[str, int]:
    """Community of Practice theme titles and their position, to print lessons in catalogue order."""
    return dict(db.session.execute(select(Theme.title, Theme.position)).all())


def open_blocking_counts(workplan_ids: list[int]) -> dict[int, int]:
    """How many blocking comments are still open, per plan."""
    rows = db.session.execute(
        select(Comment.workplan_id, func.count(Comment.id))
        .where(Comment.workplan_id.in_(workplan_ids), Comment.is_blocking.is_(True), Comment.resolved_at.is_(None))
        .group_by(Comment.workplan_id)
    ).all()
    return dict(rows)


def pack_candidates(user: User) -> list[Workplan]:
    """Plans the user may put in a meeting pack: by country, newest period first."""
    query = (
        select(Workplan)
        .join(Workplan.country)
        .options(joinedload(Workplan.country))
        .order_by(Country.name, Workplan.period_start.desc(), Workplan.id.desc())
    )
    return list(db.session.scalars(restrict_to_visible(query, user)).unique())


def full_plans(user: User, workplan_ids: list[int]) -> list[Workplan]:
    """The visible plans among these ids, each loaded whole; unknown and other countries' ids drop out."""
    if not workplan_ids:
        return []
    query = select(Workplan).join(Workplan.country).where(Workplan.id.in_(workplan_ids)).options(*full_plan_options())
    query = query.order_by(Country.name, Workplan.period_start.desc(), Workplan.id.desc())
    return list(db.session.scalars(restrict_to_visible(query, user)).unique())
