"""Who may see, edit and review what: the one place every view, service and page asks.

Every rule reads the user's role and countries through the User model's properties; nothing
here imports a feature package, so every feature may import it.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from flask import abort, current_app
from flask_login import current_user, login_required

if TYPE_CHECKING:
    from app.auth.models import Role, User
    from app.review.models import Comment
    from app.workplans.models import Workplan


def visible_country_ids(user: User) -> set[int] | None:
    """Return the ids of the countries whose plans the user sees, or None for all of them."""
    if sees_every_country(user):
        return None
    return user.country_ids


def sees_every_country(user: User) -> bool:
    """HQ reviewers and administrators see the plans of every country; officers those of their own."""
    return user.sees_all_countries


def is_country_officer(user: User, country_id: int | None) -> bool:
    """Whether the user is an officer serving this country (who drafts its plans)."""
    return user.is_officer and country_id in user.country_ids


def can_view_workplan(user: User, workplan: Workplan) -> bool:
    """Officers see their countries' plans; HQ and administrators see all."""
    return sees_every_country(user) or workplan.country_id in user.country_ids


def can_edit_workplan(user: User, workplan: Workplan) -> bool:
    """Only officers of the plan's country edit it, and only while it is a draft or sent back."""
    return is_country_officer(user, workplan.country_id) and workplan.status.is_editable_by_officer


def can_create_workplan(user: User) -> bool:
    """Officers who serve at least one country start plans."""
    return user.is_officer and bool(user.countries)


def can_create_workplan_for(user: User, country_id: int) -> bool:
    """Officers start plans (or move their plan) only for a country they serve."""
    return is_country_officer(user, country_id)


def can_review(user: User) -> bool:
    """HQ reviewers send plans back, approve them, and are told when plans are submitted."""
    return user.is_hq


def can_move_workplan(user: User, workplan: Workplan, by_officer: bool) -> bool:
    """Officers of the plan's country submit and revise it; HQ reviewers send it back and approve it."""
    return is_country_officer(user, workplan.country_id) if by_officer else can_review(user)


def can_comment(user: User, workplan: Workplan) -> bool:
    """HQ reviewers and the officers of the plan's country comment."""
    return can_review(user) or is_country_officer(user, workplan.country_id)


def can_block_approval(user: User) -> bool:
    """Only HQ reviewers mark a comment as blocking, which holds up approval."""
    return can_review(user)


def can_resolve(user: User, comment: Comment, workplan: Workplan) -> bool:
    """HQ resolves any comment; officers resolve their country's non-blocking ones."""
    if can_review(user):
        return True
    return not comment.is_blocking and is_country_officer(user, workplan.country_id)


def can_administer(user: User) -> bool:
    """Administrators manage accounts, partners and the catalogue."""
    return user.is_admin


def can_change_account(actor: User, user: User, role: Role, is_active: bool) -> bool:
    """Administrators change any account but never lock themselves out: theirs stays active and administrator."""
    return user.id != actor.id or (is_active and can_administer(actor) and role == actor.role)


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
    "hq": can_review,
    "hq_or_admin": lambda user: can_review(user) or can_administer(user),
    "admin": can_administer,
}


def may_open(user: User, endpoint: str) -> bool:
    """Whether a signed-in user's role passes the access rule of the page behind an endpoint (for menus)."""
    if not user.is_authenticated:
        return False
    check = _ROLE_CHECKS.get(current_app.view_functions[endpoint].access_rule)
    return check is None or check(user)


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
