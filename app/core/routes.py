"""The home redirect and the JSON health check."""

from flask import jsonify, redirect, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.core import bp
from app.extensions import db
from app.permissions import access


@bp.get("/")
@access("public")
def home():
    """Send signed-in users to their plans and everyone else to sign-in."""
    if current_user.is_authenticated:
        return redirect(url_for("workplans.index"))
    return redirect(url_for("auth.login"))


@bp.get("/healthz")
@access("public")
def healthz():
    """Report whether the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok", dialect=db.engine.dialect.name)
