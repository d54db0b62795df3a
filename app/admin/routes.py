"""Administration pages: accounts, their roles and countries, and partners."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from wtforms import Form

from app.admin import bp
from app.admin.forms import EditUserForm, NewUserForm, PartnerForm, ResetPasswordForm
from app.admin.queries import admin_counts, list_countries, list_partners, list_users
from app.auth.models import User
from app.auth.services import AccountError, create_user, set_password, update_user
from app.catalogue.models import Partner
from app.catalogue.services import DuplicatePartner, confirm_partner, create_partner, update_partner
from app.database import writes
from app.extensions import db
from app.permissions import access, sees_every_country


def _show_error(form: Form, error: AccountError, fallback: str) -> None:
    """Put a service's message next to the field it names, or next to the fallback field."""
    form[error.field if error.field in form else fallback].errors.append(str(error))


@bp.get("/")
@access("admin")
def index():
    """The administration home: where to go and what waits for attention."""
    return render_template("admin/index.html", counts=admin_counts())


@bp.get("/users/")
@access("admin")
def users():
    """List every account."""
    accounts = list_users()
    every_country = {user.id for user in accounts if sees_every_country(user)}
    return render_template("admin/users.html", users=accounts, sees_every_country=every_country)


@bp.route("/users/new", methods=["GET", "POST"])
@access("admin")
@writes
def new_user():
    """Create an account."""
    form = NewUserForm(countries=list_countries())
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data,
                countries=form.chosen_countries(),
                actor=current_user,
                ip_address=request.remote_addr,
            )
        except AccountError as error:
            _show_error(form, error, fallback="email")
        else:
            flash(f"Account created for {user.email}. Give them the initial password in person or by phone.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@access("admin")
@writes
def edit_user(user_id: int):
    """Change an account's name, role, countries and whether it may sign in."""
    user = db.get_or_404(User, user_id)
    form = EditUserForm(obj=user, countries=list_countries())
    if form.validate_on_submit():
        try:
            update_user(
                user,
                name=form.name.data,
                role=form.role.data,
                countries=form.chosen_countries(),
                is_active=form.is_active.data,
                actor=current_user,
                ip_address=request.remote_addr,
            )
        except AccountError as error:
            _show_error(form, error, fallback="role")
        else:
            flash(f"Account of {user.name} saved; the change applies from their next page.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", user=user, form=form, password_form=ResetPasswordForm(formdata=None))


@bp.post("/users/<int:user_id>/password")
@access("admin")
@writes
def reset_password(user_id: int):
    """Set a new password for an account and sign out all its sessions."""
    user = db.get_or_404(User, user_id)
    password_form = ResetPasswordForm()
    if password_form.validate_on_submit():
        try:
            set_password(user, password_form.new_password.data, actor=current_user, ip_address=request.remote_addr)
        except AccountError as error:
            _show_error(password_form, error, fallback="new_password")
        else:
            if user.id == current_user.id:
                # The session token rotated: keep this browser signed in with the new one.
                login_user(user)
            flash(f"Password of {user.name} reset; their other sessions are signed out.", "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    form = EditUserForm(formdata=None, obj=user, countries=list_countries())
    return render_template("admin/user_edit.html", user=user, form=form, password_form=password_form)


@bp.get("/partners/")
@access("admin")
def partners():
    """List every partner, those awaiting confirmation first."""
    return render_template("admin/partners.html", partners=list_partners())


@bp.route("/partners/new", methods=["GET", "POST"])
@access("admin")
@writes
def new_partner():
    """Add a partner to the catalogue."""
    form = PartnerForm(countries=list_countries())
    if form.validate_on_submit():
        try:
            partner = create_partner(
                form.name.data,
                form.short_name.data,
                form.type.data,
                form.chosen_country(),
                actor=current_user,
                ip_address=request.remote_addr,
            )
        except DuplicatePartner as error:
            form[error.field].errors.append(str(error))
        else:
            flash(f"Partner {partner.name} added.", "success")
            return redirect(url_for("admin.partners"))
    return render_template("admin/partner_form.html", form=form, partner=None)


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@access("admin")
@writes
def edit_partner(partner_id: int):
    """Change a partner's name, short name, type or country."""
    partner = db.get_or_404(Partner, partner_id)
    form = PartnerForm(obj=partner, countries=list_countries())
    if form.validate_on_submit():
        try:
            update_partner(
                partner,
                form.name.data,
                form.short_name.data,
                form.type.data,
                form.chosen_country(),
                actor=current_user,
                ip_address=request.remote_addr,
            )
        except DuplicatePartner as error:
            form[error.field].errors.append(str(error))
        else:
            flash(f"Partner {partner.name} saved.", "success")
            return redirect(url_for("admin.partners"))
    return render_template("admin/partner_form.html", form=form, partner=partner)


@bp.post("/partners/<int:partner_id>/confirm")
@access("admin")
@writes
def confirm(partner_id: int):
    """Confirm a partner an officer proposed, so that every officer can pick it."""
    partner = db.get_or_404(Partner, partner_id)
    confirm_partner(partner, actor=current_user, ip_address=request.remote_addr)
    flash(f"Partner {partner.name} confirmed.", "success")
    return redirect(url_for("admin.partners"))
