"""Administration: accounts, their roles and countries, and partners."""

from flask import Blueprint, abort
from flask_login import current_user, login_required

from app.permissions import can_administer

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_administrator():
    """Every admin page is for administrators only."""
    if not can_administer(current_user):
        abort(403)
