"""Flask-Login's user loader: sessions carry a rotating token, not the user id."""

from sqlalchemy import select

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
