"""Friendly error pages that say what to do, never a traceback."""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, SecurityError

from app.database import DatabaseBusy, is_database_busy
from app.extensions import db

MESSAGES = {
    400: ("The request could not be understood", "Go back, check what you entered and try again."),
    403: ("You may not do this", "Your role does not allow this action. Ask HQ or an administrator if you need it."),
    404: ("Page not found", "The page or plan does not exist, or you do not have access to it."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    409: ("Someone changed this in the meantime", "Reload the page to see the latest version, then try again."),
    413: ("Too much at once", "What you sent is larger than the server accepts. Save smaller parts separately."),
    429: ("Too many attempts", "Wait a moment and try again."),
    500: (
        "Something went wrong on our side",
        "Your last change may not be saved. Try again; if it keeps failing, tell HQ.",
    ),
    503: ("The service is busy", "Wait a few seconds and try again; nothing you saved is lost."),
}


def render_error(code: int, title: str | None = None, advice: str | None = None):
    """Render the error page for an HTTP status."""
    default_title, default_advice = MESSAGES.get(code, MESSAGES[500])
    return render_template(
        "errors/error.html", code=code, title=title or default_title, advice=advice or default_advice
    ), code


# Posted fields that are not the user's words: never shown back.
NOT_TYPED = {"csrf_token", "password", "new_password", "current_password", "confirm", "action", "lock_version"}
BUSY_RETRY_SECONDS = 10


def typed_text() -> list[tuple[str, str]]:
    """The sentences a refused POST carried (label, text), so the error page can give them back to copy.

    Values without a space are ids, choices and tokens, not writing: they are left out.
    """
    if request.method != "POST":
        return []
    return [
        (name.replace("_", " ").replace("-", " ").capitalize(), value)
        for name, value in request.form.items(multi=True)
        if name not in NOT_TYPED and not name.endswith("password") and any(c.isspace() for c in value.strip())
    ]


def give_up_write() -> None:
    """Drop a change the database was too busy to take; what the request still does only reads.

    Rendering the answer does not queue for the write lock again: only a writing() block takes it.
    """
    db.session.rollback()


def database_busy_page():
    """503 for a change the database was too busy to take, with the user's text to copy."""
    give_up_write()
    body = render_template(
        "errors/error.html",
        code=503,
        title="The server was too busy to save this",
        advice="Nothing was changed. Copy your text below if you need it, go back and send it again in a moment.",
        kept=typed_text(),
    )
    return body, 503, {"Retry-After": str(BUSY_RETRY_SECONDS)}


def register_error_handlers(app: Flask) -> None:
    """Map HTTP errors and CSRF failures onto the error page."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # An untrusted Host never reaches routing, so no page with links can be built for it.
        if (
            isinstance(error, SecurityError)
            or request.path.startswith("/static/")
            or error.code is None
            or error.code < 400
        ):
            return error
        return render_error(error.code)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            "Your form expired",
            "For your security the form timed out. Go back, reload the page and send it again.",
        )

    @app.errorhandler(DatabaseBusy)
    @app.errorhandler(OperationalError)
    def database_error(error):
        if not is_database_busy(error):
            raise error
        return database_busy_page()

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(error):
        # Another request changed the same row between this one's read and its write.
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)
