"""Read queries for the administration pages, each in a fixed number of statements."""

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.auth.models import User
from app.catalogue.models import Country, Partner, Phase
from app.extensions import db


@dataclass
class AdminCounts:
    """The numbers on the administration home."""

    users: int
    active_users: int
    partners: int
    partners_awaiting: int


def admin_counts() -> AdminCounts:
    """Count accounts and partners, and the partners waiting for confirmation."""
    users, active = db.session.execute(
        select(func.count(User.id), func.count(case((User.is_active.is_(True), User.id))))
    ).one()
    partners, awaiting = db.session.execute(
        select(func.count(Partner.id), func.count(case((Partner.is_confirmed.is_(False), Partner.id))))
    ).one()
    return AdminCounts(users=users, active_users=active, partners=partners, partners_awaiting=awaiting)


def list_users() -> list[User]:
    """Return every account with its countries, by name."""
    query = select(User).options(selectinload(User.countries)).order_by(func.lower(User.name), User.id)
    return list(db.session.scalars(query))


def list_partners() -> list[tuple[Partner, str | None]]:
    """Return every partner with the name of the officer who proposed it; unconfirmed ones first."""
    proposer = aliased(User)
    query = (
        select(Partner, proposer.name)
        .outerjoin(proposer, Partner.proposed_by_id == proposer.id)
        .options(joinedload(Partner.country))
        .order_by(Partner.is_confirmed, func.lower(Partner.name))
    )
    return [(partner, proposer_name) for partner, proposer_name in db.session.execute(query)]


def list_countries() -> list[Country]:
    """Return every country, the new partner countries first, then by name."""
    query = select(Country).order_by(case((Country.phase == Phase.ASIA_MIDDLE_EAST, 0), else_=1), Country.name)
    return list(db.session.scalars(query))
