"""The meeting-pack form: which plans, which edition, with annexes or not."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired

from app.export.profiles import PROFILES
from app.workplans.fields import choices
from app.workplans.forms import CheckboxListField


class MeetingPackForm(FlaskForm):
    """Plans for one meeting pack; ids the user may not see are dropped by the query, not trusted here."""

    workplan_ids = CheckboxListField(
        "Plans",
        validate_choice=False,
        validators=[InputRequired("Choose at least one plan.")],
    )
    profile = SelectField(
        "Edition",
        choices=choices((key, profile.label) for key, profile in PROFILES.items()),
        default="internal",
        description="Donor and public editions leave out the fields officers flagged as sensitive.",
    )
    annexes = BooleanField("Include the annexes (review log, changes since the previous revision)", default=True)
