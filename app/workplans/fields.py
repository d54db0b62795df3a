"""Form building blocks shared by the drafting steps."""

import re

from flask import g
from wtforms import Field, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, StopValidation, ValidationError

NARRATIVE_MAX = 10_000
LINE_MAX = 200


def normalise_text(value):
    """Fold CRLF and CR into LF so a line break counts as one character, as browsers count it."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class NeededToContinue:
    """Required for "Save and continue" and submission, but not for a plain "Save"."""

    field_flags = {"needed": True}

    def __init__(self, message: str | None = None):
        self.message = message

    def __call__(self, form, field: Field) -> None:
        if not g.get("strict_step"):
            return
        data = field.data
        if data is None or (isinstance(data, str) and not data.strip()) or data == []:
            raise StopValidation(self.message or "Fill this in to continue.")


# Control characters other than tab and line breaks cannot be stored by every database (NUL in PostgreSQL).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_characters(form, field) -> None:
    """Refuse invisible control characters, saying so, rather than storing or silently dropping them."""
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError("This text contains invisible control characters (often from a copy and paste); remove them.")


def finite_amount(form, field) -> None:
    """Refuse "NaN", "Infinity" and the like, which parse as numbers but are no amount (and break comparisons)."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation("Enter the amount in euros as digits, for example 12500.")


def narrative(label: str, description: str = "", needed: bool = False, max_length: int = NARRATIVE_MAX):
    """A multi-line text field."""
    validators = [NeededToContinue()] if needed else []
    validators.append(Length(max=max_length, message=f"Keep this under {max_length:,} characters."))
    validators.append(no_control_characters)
    return TextAreaField(label, validators=validators, description=description, filters=[normalise_text])


def line(label: str, description: str = "", needed: bool = False, max_length: int = LINE_MAX):
    """A one-line text field."""
    validators = [NeededToContinue()] if needed else []
    validators.append(Length(max=max_length, message=f"Keep this under {max_length} characters."))
    validators.append(no_control_characters)
    return StringField(label, validators=validators, description=description, filters=[normalise_text])


def choices(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms choices."""
    return [SelectChoice(value=str(value), label=label) for value, label in pairs]


def flat_errors(form) -> list[tuple[str, str, str]]:
    """Every error of a form and its nested entries as (field id, label, message), in page order."""
    found = []

    def walk(fields, context: str) -> None:
        for field in fields:
            if field.type == "FieldList":
                for number, entry in enumerate(field.entries, start=1):
                    walk([entry], f"{context}{field.label.text} {number}: ")
                for error in field.errors:
                    if isinstance(error, str):
                        found.append((field.id, context + field.label.text, error))
            elif field.type == "FormField":
                walk(field.form, context)
            else:
                for error in field.errors:
                    found.append((field.id, context + field.label.text, error))

    walk(form, "")
    return found
