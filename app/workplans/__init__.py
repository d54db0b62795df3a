"""Country workplans: list, create, draft step by step, overview."""

from flask import Blueprint

bp = Blueprint("workplans", __name__, url_prefix="/workplans")
