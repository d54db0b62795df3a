"""Forms for accounts and partners, and the choice helpers other forms reuse."""

from collections.abc import Callable, Iterable
from enum import Enum

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice, enum_choices, enum_coerce
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import PasswordInput, html_params

from app.auth.models import Role
from app.auth.passwords import MAX_LENGTH
from app.catalogue.models import Country, PartnerType


def select_choices(
    items: Iterable, value: Callable, label: Callable, group: Callable | None = None
) -> list[SelectChoice]:
    """Return options for a select or checkbox field from any objects, as WTForms 3.3 SelectChoice.

    Plain (value, label) tuples are deprecated in WTForms 3.3 and warn; `group` names the
    optgroup (or checkbox fieldset) of each item, and items must come sorted by it.
    """
    return [
        SelectChoice(value=str(value(item)), label=label(item), optgroup=group(item) if group else None)
        for item in items
    ]


def labelled_enum_choices(enum_cls: type[Enum]) -> list[SelectChoice]:
    """Return one option per member of an enum with a `label` property, labelled with it."""
    return enum_choices(enum_cls, label=lambda member: member.label)


def country_choices(countries: Iterable[Country]) -> list[SelectChoice]:
    """Return one option per country, grouped by GLO.ACT phase."""
    return select_choices(countries, value=lambda c: c.id, label=lambda c: c.name, group=lambda c: c.phase.label)


def optional_int(value) -> int | None:
    """Coerce a submitted id to int, and the empty "none" option to None."""
    return None if value in (None, "") else int(value)


class CheckboxGrid:
    """Render a multiple-choice field as a grid of checkboxes, one fieldset per option group."""

    def __call__(self, field, **kwargs):
        kwargs = {key: value for key, value in kwargs.items() if value is not None}
        # The text-input class the form macro passes does not fit a group of checkboxes.
        kwargs.pop("class", None)
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("aria-label", field.label.text)
        html = [f'<div class="checkbox-grid" role="group" {html_params(**kwargs)}>']
        index = 0
        for group, choices in field.iter_groups():
            if group:
                html.append(f"<fieldset><legend>{escape(group)}</legend>")
            for choice in choices:
                option_id = f"{field.id}-{index}"
                index += 1
                checkbox = html_params(
                    type="checkbox", name=field.name, value=choice.value, id=option_id, checked=choice.selected
                )
                label = escape(choice.label)
                html.append(f'<label class="checkbox" for="{option_id}"><input {checkbox}> {label}</label>')
            if group:
                html.append("</fieldset>")
        html.append("</div>")
        return Markup("".join(html))


class UserDetailsForm(FlaskForm):
    """Name, role and countries: what an administrator sets on every account."""

    name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    role = SelectField("Role", choices=labelled_enum_choices(Role), coerce=enum_coerce(Role))
    country_ids = SelectMultipleField("Countries served", coerce=int, widget=CheckboxGrid())

    def __init__(self, *args, countries: list[Country], **kwargs):
        super().__init__(*args, **kwargs)
        self._countries = {country.id: country for country in countries}
        self.country_ids.choices = country_choices(countries)

    def validate_country_ids(self, field):
        if self.role.data == Role.OFFICER and not field.data:
            raise ValidationError("An officer must serve at least one country.")

    def chosen_countries(self) -> list[Country]:
        """Return the ticked countries by code."""
        chosen = [self._countries[country_id] for country_id in self.country_ids.data or []]
        return sorted(chosen, key=lambda country: country.code)


class NewUserForm(UserDetailsForm):
    """A new account: e-mail and initial password besides the details."""

    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=254)])
    # Shown again after an error elsewhere on the form, so the administrator need not retype it.
    password = PasswordField(
        "Initial password",
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        widget=PasswordInput(hide_value=False),
        render_kw={"autocomplete": "new-password"},
    )


class EditUserForm(UserDetailsForm):
    """An existing account's details and whether it may sign in."""

    is_active = BooleanField("Account active")


class ResetPasswordForm(FlaskForm):
    """A new password an administrator sets for someone."""

    new_password = PasswordField(
        "New password", validators=[DataRequired(), Length(max=MAX_LENGTH)], render_kw={"autocomplete": "new-password"}
    )


class PartnerForm(FlaskForm):
    """An organisation that leads or takes part in activities."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    short_name = StringField("Short name", default="", validators=[Optional(), Length(max=40)])
    type = SelectField("Type", choices=labelled_enum_choices(PartnerType), coerce=enum_coerce(PartnerType))
    country_id = SelectField("Country", coerce=optional_int)

    def __init__(self, *args, countries: list[Country], **kwargs):
        super().__init__(*args, **kwargs)
        self._countries = {country.id: country for country in countries}
        self.country_id.choices = [SelectChoice(value="", label="None: an international partner")]
        self.country_id.choices += country_choices(countries)

    def chosen_country(self) -> Country | None:
        """Return the chosen country, or None for an international partner."""
        return self._countries.get(self.country_id.data)
