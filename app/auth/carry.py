"""Keep what a signed-out user was saving: it rides through the sign-in form and comes back."""

from flask import render_template, request
from werkzeug.datastructures import MultiDict

PREFIX = "carry:"
# Only the drafting steps carry text through sign-in; never a sign-in or password form.
CARRIED_ENDPOINTS = {"workplans.step"}
NOT_CARRIED = {"csrf_token", "action"}


def carried_from_request() -> MultiDict:
    """Fields a sign-in form carried for the page the user was saving."""
    return MultiDict(
        (key[len(PREFIX):], value) for key, value in request.form.items(multi=True) if key.startswith(PREFIX)
    )


def login_keeping_form(next_path: str):
    """The sign-in page for a POST that arrived signed out, carrying the posted fields along."""
    from app.auth.forms import LoginForm

    carried = MultiDict((k, v) for k, v in request.form.items(multi=True) if k not in NOT_CARRIED)
    form = LoginForm(formdata=None)
    return (
        render_template("auth/login.html", form=form, carried=carried, next_path=next_path, signed_out=True),
        401,
    )
