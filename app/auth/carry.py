"""Keep what a signed-out user was saving: it rides through the sign-in form and comes back.

The carried text is only ever shown again in the step form, marked as not saved: a POST that
arrived without the user's token (it may come from another site) must never store anything.
"""

from flask import current_app, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

PREFIX = "carry:"
# Only the step form carries text through sign-in: the step shows it back without saving.
# Never autosave or "new plan" (they would store it) nor a sign-in or password form.
CARRIED_ENDPOINTS = {"workplans.step"}
NOT_CARRIED = {"csrf_token", "action"}


def carries_to(path: str) -> bool:
    """Whether a POST to this same-site path may get carried text back (only a step form)."""
    try:
        endpoint, _ = current_app.url_map.bind("").match(path, method="POST")
    except HTTPException:
        return False
    return endpoint in CARRIED_ENDPOINTS


def carried_from_request() -> MultiDict:
    """Fields a sign-in form carried for the page the user was saving."""
    return MultiDict(
        (key[len(PREFIX) :], value)
        for key, value in request.form.items(multi=True)
        if key.startswith(PREFIX) and key[len(PREFIX) :] not in NOT_CARRIED
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
