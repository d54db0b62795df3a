"""Who may see, edit and review what: the one place every view asks."""

from sqlalchemy import Select, false

from app.auth.models import User
from app.workplans.models import Workplan


def visible_country_ids(user: User) -> set[int] | None:
    """Return the ids of the countries whose plans the user sees, or None for all of them."""
    if user.sees_all_countries:
        return None
    return user.country_ids


def restrict_to_visible(query: Select, user: User) -> Select:
    """Limit a select over Workplan to the plans the user may see."""
    country_ids = visible_country_ids(user)
    if country_ids is None:
        return query
    if not country_ids:
        return query.where(false())
    return query.where(Workplan.country_id.in_(country_ids))


def can_view_workplan(user: User, workplan: Workplan) -> bool:
    """Officers see their countries' plans; HQ and administrators see all."""
    return user.sees_all_countries or workplan.country_id in user.country_ids


def can_edit_workplan(user: User, workplan: Workplan) -> bool:
    """Only officers of the plan's country edit it, and only while it is a draft or sent back."""
    return (
        user.is_officer
        and workplan.country_id in user.country_ids
        and workplan.status.is_editable_by_officer
    )


def can_create_workplan(user: User) -> bool:
    """Officers who serve at least one country start plans."""
    return user.is_officer and bool(user.countries)


def can_review(user: User) -> bool:
    """HQ reviewers comment on, send back and approve plans."""
    return user.is_hq


def can_administer(user: User) -> bool:
    """Administrators manage accounts, partners and the catalogue."""
    return user.is_admin
