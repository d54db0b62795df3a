"""Form building blocks shared by the drafting steps."""

import re
from decimal import Decimal

from wtforms import DecimalField, Field, FieldList, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import Length, StopValidation, ValidationError
from wtforms.widgets import TextInput

NARRATIVE_MAX = 10_000
LINE_MAX = 200


def normalise_text(value):
    """Fold CRLF and CR into LF so a line break counts as one character, as browsers count it."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def is_strict(form) -> bool:
    """Whether a (nested) form is being validated strictly: for "Save and continue" or submission."""
    return getattr(form, "strict", False)


def _mark_strict(fields, strict: bool) -> None:
    for field in fields:
        if field.type == "FieldList":
            _mark_strict(field.entries, strict)
        elif field.type == "FormField":
            field.form.strict = strict
            _mark_strict(field.form, strict)


class ValidatesStrictly:
    """A form validated either for a plain "Save" (type checks only) or strictly, with strict=True.

    The choice reaches every nested entry form, so each validator reads it from the form it is given.
    """

    strict = False

    def validate(self, extra_validators=None, strict: bool = False) -> bool:
        self.strict = strict
        _mark_strict(self, strict)
        return super().validate(extra_validators)

    def validate_on_submit(self, extra_validators=None, strict: bool = False) -> bool:
        return self.is_submitted() and self.validate(extra_validators, strict=strict)


class NeededToContinue:
    """Required for "Save and continue" and submission, but not for a plain "Save"."""

    field_flags = {"needed": True}

    def __init__(self, message: str | None = None):
        self.message = message

    def __call__(self, form, field: Field) -> None:
        if not is_strict(form):
            return
        data = field.data
        if data is None or (isinstance(data, str) and not data.strip()) or data == []:
            raise StopValidation(self.message or "Fill this in to continue.")


# Control characters other than tab and line breaks cannot be stored by every database (NUL in PostgreSQL).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_characters(form, field) -> None:
    """Refuse invisible control characters, saying so, rather than storing or silently dropping them."""
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError(
            "This text contains invisible control characters (often from a copy and paste); remove them."
        )


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


# "12,500" or "1,250,000.50": commas only between groups of three digits, so "12,5" is never read as 125.
GROUPED_AMOUNT = re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")


class MoneyField(DecimalField):
    """An amount shown with thousands separators (12,500.00); separators and spaces typed in are accepted."""

    # A number input would drop "12,500.00" as invalid and show an empty box: a text input keeps it.
    widget = TextInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(*args, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None or self.data == "":
            return ""
        return f"{Decimal(self.data):,.2f}"

    def process_formdata(self, valuelist) -> None:
        if valuelist:
            value = re.sub(r"[\s\u00a0\u202f]", "", valuelist[0])
            if GROUPED_AMOUNT.fullmatch(value):
                value = value.replace(",", "")
            valuelist = [value]
        super().process_formdata(valuelist)


# Row indices longer than this are no row a page made (and int() refuses numbers of thousands of digits).
ROW_INDEX_DIGITS = 6


class RowList(FieldList):
    """Repeated rows with a cap: one POST of thousands of rows is refused, naming the list and its cap.

    The rows within the cap come back with their text; nothing is saved until the list fits.
    Plans loaded from the database are never cut: the cap applies to what a browser sends.
    """

    def __init__(self, unbound_field, label=None, validators=None, cap: int = 200, noun: str = "rows", **kwargs):
        super().__init__(unbound_field, label, validators, **kwargs)
        # Templates and helpers look for "FieldList".
        self.type = "FieldList"
        self.cap, self.noun, self.sent = cap, noun, 0

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.sent = len(set(self._extract_indices(self.name, formdata))) if formdata else 0
        self.max_entries = self.cap if formdata else None
        super().process(formdata, data, extra_filters)

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix + self._field_separator):
                index = key[offset:].split(self._field_separator, 1)[0]
                if index.isascii() and index.isdigit() and len(index) <= ROW_INDEX_DIGITS:
                    yield int(index)

    def validate(self, form, extra_validators=()):
        valid = super().validate(form, extra_validators)
        if self.sent > self.cap:
            self.errors.append(
                f"At most {self.cap} {self.noun} fit here; {self.sent:,} were sent. Only the first {self.cap} are "
                "shown and nothing was saved: remove or merge some, then save."
            )
            return False
        return valid


def at_most(cap: int, noun: str):
    """A validator for a list of ticked boxes: at most `cap` of them."""

    def check(form, field) -> None:
        if field.data and len(field.data) > cap:
            raise ValidationError(f"Tick at most {cap} {noun}; {len(field.data):,} were sent.")

    return check


def choices(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms choices."""
    return [SelectChoice(value=str(value), label=label) for value, label in pairs]


def flat_errors(form, names: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """Every error of a form and its nested entries as (field id, label, message), in page order.

    `names` gives repeated entries the names the page heads them with ("Output 5.1"), by entry id.
    """
    found = []
    names = names or {}

    def walk(fields, context: str) -> None:
        for field in fields:
            if field.type == "FieldList":
                for number, entry in enumerate(field.entries, start=1):
                    # Names as the step page heads entries ("Output 5.1", a lesson by its title), else "Risks 2".
                    name = getattr(entry, "title", None) or names.get(entry.id)
                    walk([entry], f"{name}: " if name else f"{context}{field.label.text} {number}: ")
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
