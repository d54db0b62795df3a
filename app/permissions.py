"""Who may see, edit and review what: the one place every view asks."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
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
    return user.is_officer and workplan.country_id in user.country_ids and workplan.status.is_editable_by_officer


def can_create_workplan(user: User) -> bool:
    """Officers who serve at least one country start plans."""
    return user.is_officer and bool(user.countries)


def can_review(user: User) -> bool:
    """HQ reviewers comment on, send back and approve plans."""
    return user.is_hq


def can_administer(user: User) -> bool:
    """Administrators manage accounts, partners and the catalogue."""
    return user.is_admin


# Every route declares one of these rules (see `access`); tests/security checks each against a matrix.
ACCESS_RULES = {
    "public": "Anyone, signed in or not.",
    "signed_in": "Any signed-in user.",
    "officer": "National project officers (who start plans for their countries).",
    "hq": "HQ reviewers.",
    "hq_or_admin": "HQ reviewers and administrators (read-only overviews of every country).",
    "admin": "Administrators.",
    "plan_viewer": "Whoever may see the plan: its country's officers, HQ, administrators. Others get 404.",
    "plan_editor": "Officers of the plan's country, while it is a draft or sent back; others see 404 or 403.",
    "plan_workflow": "Signed-in users who see the plan; the transition table decides who may move it.",
    "plan_commenter": "HQ and the plan's country officers; others who cannot see the plan get 404.",
}
_ROLE_CHECKS = {
    "officer": lambda user: user.is_officer,
    "hq": lambda user: user.is_hq,
    "hq_or_admin": lambda user: user.is_hq or user.is_admin,
    "admin": lambda user: user.is_admin,
}


def access(rule: str):
    """Declare a view's access rule: sign-in and role rules are enforced here, plan rules by the
    view's loader (get_full_workplan_or_404) and the services it calls."""
    if rule not in ACCESS_RULES:
        raise ValueError(f"unknown access rule {rule!r}")

    def decorate(view):
        if rule == "public":
            guarded = view
        else:
            check = _ROLE_CHECKS.get(rule)

            @wraps(view)
            def guarded(*args, **kwargs):
                if check is not None and current_user.is_authenticated and not check(current_user):
                    abort(403)
                return view(*args, **kwargs)

            guarded = login_required(guarded)
        guarded.access_rule = rule
        return guarded

    return decorate
