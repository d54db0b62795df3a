"""Sign in, sign out, change password."""

from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.datastructures import MultiDict

from app.audit import record_event
from app.auth import bp
from app.auth.carry import carried_from_request, carries_to
from app.auth.forms import ChangePasswordForm, LoginForm
from app.auth.services import AccountError, authenticate, change_own_password
from app.auth.throttle import login_retry_after
from app.database import writes
from app.permissions import access


def _safe_next(target: str | None) -> str:
    """Return a same-site path to go to after sign-in, never another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("workplans.index")


@bp.route("/login", methods=["GET", "POST"])
@access("public")
@writes
def login():
    """Show the sign-in form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    next_path = _safe_next(request.form.get("next_path") or request.args.get("next"))
    # Text rides along only back to a step form, which shows it unsaved (never autosave or "new plan").
    carried = carried_from_request() if carries_to(next_path) else MultiDict()
    if form.validate_on_submit():
        ip_address = request.remote_addr or ""
        wait = login_retry_after(form.email.data, ip_address)
        if wait:
            record_event("auth.login_throttled", note=form.email.data.strip().lower()[:254], ip_address=ip_address)
            minutes = max(1, round(wait / 60))
            form.password.errors.append(
                f"Too many failed attempts. For your security, wait about {minutes} minute(s) and try again."
            )
            page = render_template("auth/login.html", form=form, carried=carried, next_path=next_path)
            return page, 429, {"Retry-After": str(wait)}
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            record_event("auth.login_failed", note=form.email.data.strip().lower()[:254], ip_address=ip_address)
            form.password.errors.append("The e-mail address or password is not right.")
        else:
            # A fresh session at sign-in: nothing set before it survives (session fixation).
            session.clear()
            # Flask-WTF caches this request's token in g; it belonged to the cleared session.
            g.pop("csrf_token", None)
            login_user(user, remember=form.remember.data)
            record_event("auth.login", actor=user, ip_address=ip_address)
            if carried:
                return render_template("auth/carry.html", carried=carried, next_path=next_path)
            return redirect(next_path)
    return render_template("auth/login.html", form=form, carried=carried, next_path=next_path)


@bp.post("/logout")
@access("signed_in")
@writes
def logout():
    """Sign out everywhere this session's cookies were copied to."""
    user = current_user._get_current_object()
    user.rotate_session_token()
    record_event("auth.logout", actor=user, ip_address=request.remote_addr)
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@access("signed_in")
@writes
def change_password():
    """Let a signed-in user change their own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_own_password(user, form.current_password.data, form.new_password.data, request.remote_addr)
        except AccountError as error:
            getattr(form, error.field or "new_password").errors.append(str(error))
        else:
            # The token rotated: sign this browser in again with the new one.
            login_user(user)
            flash("Your password is changed. Other sessions are signed out.", "success")
            return redirect(url_for("workplans.index"))
    return render_template("auth/change_password.html", form=form)
