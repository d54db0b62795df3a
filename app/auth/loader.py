"""Flask-Login's user loader: sessions carry a rotating token, not the user id."""

from flask import flash, jsonify, redirect, request, url_for
from sqlalchemy import select

from app.auth.carry import CARRIED_ENDPOINTS, login_keeping_form
from app.auth.models import User
from app.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Return the active user holding this session token; disabled users are signed out."""
    return db.session.scalar(select(User).where(User.session_token == session_token, User.is_active.is_(True)))


@login_manager.unauthorized_handler
def unauthorized():
    """Send signed-out users to sign in; a signed-out save carries its fields through sign-in."""
    if request.endpoint == "workplans.autosave":
        # The editor's script: it tells the user to press Save, which carries the text through sign-in.
        return jsonify(saved=False, errors=["You were signed out."]), 401
    if request.method == "POST" and request.endpoint in CARRIED_ENDPOINTS and request.form:
        return login_keeping_form(request.path)
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
