"""Forms of the drafting steps and of starting a plan."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.plan_sections import LINE, Field, item_field, plan_field
from app.workplans.fields import (
    MoneyField,
    NeededToContinue,
    RowList,
    ValidatesStrictly,
    at_most,
    finite_amount,
    is_strict,
    line,
    narrative,
)

# The most rows one list of a step takes, generous for real plans (about 6 objectives, a handful of
# outputs each, dozens of activities), small enough that one POST cannot make a page of megabytes.
ROW_CAPS = {
    "lessons": 100,
    "objectives": 20,
    "outputs": 50,
    "plan_outputs": 300,
    "indicators": 50,
    "activities": 200,
    "risks": 200,
    "partners": 200,
}

YEAR_RANGE = NumberRange(min=2000, max=2100, message="Enter a year between 2000 and 2100.")


def text_from(spec: Field, needed: bool | None = None):
    """A text field labelled and explained as the plan's sections say (app/plan_sections.py)."""
    needed = spec.needed if needed is None else needed
    if spec.kind == LINE:
        return line(spec.label, spec.hint, needed=needed)
    if spec.max_length:
        return narrative(spec.label, spec.hint, needed=needed, max_length=spec.max_length)
    return narrative(spec.label, spec.hint, needed=needed)


def plan_text(name: str):
    """A text of the plan itself."""
    return text_from(plan_field(name))


def item_text(kind: str, name: str, needed: bool | None = None):
    """A text of a repeated item (an output, a risk …)."""
    return text_from(item_field(kind, name), needed)


def label_of(kind: str, name: str) -> str:
    """The label of an item's field."""
    return item_field(kind, name).label


class CheckboxListField(SelectMultipleField):
    """Several checkboxes sharing one name."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def year(label: str, needed: bool = False, description: str = ""):
    """An optional four-digit year."""
    validators = [NeededToContinue()] if needed else []
    return IntegerField(label, validators=[*validators, Optional(), YEAR_RANGE], description=description)


class StepForm(ValidatesStrictly, FlaskForm):
    """Every step form carries the plan's lock version, so a stale tab cannot overwrite newer text."""

    lock_version = HiddenField()


def sensitive_field():
    """Which of the step's texts stay out of the donor and public editions of the PDF."""
    return CheckboxListField(
        "Sensitive content",
        description="Tick texts that must not leave the programme (e.g. shelter locations, contacts of "
        "victim-support services): they are left out of the donor and public PDF editions.",
    )


class NewWorkplanForm(ValidatesStrictly, FlaskForm):
    """Country, title and period of a new plan, and whether to start from an existing one."""

    country_id = SelectField(plan_field("country_id").label, coerce=int, validators=[NeededToContinue()])
    title = line(plan_field("title").label, "For example: GLO.ACT Pakistan country workplan 2026–2027.", needed=True)
    period_start = year(plan_field("period_start").label, needed=True)
    period_end = year(plan_field("period_end").label, needed=True)
    source_workplan_id = SelectField(
        "Start from",
        coerce=int,
        description="Start blank, or copy the content of an earlier plan (for example last period's approved plan).",
    )

    def validate_period_end(self, field):
        _check_period(self.period_start.data, field.data)


def _check_period(start, end):
    if start and end:
        if end < start:
            raise ValidationError("The last year cannot be before the first year.")
        if end - start > 5:
            raise ValidationError("A workplan covers at most six years.")


class BasicsForm(StepForm):
    """Step 1: country, title, period, summary."""

    sensitive = sensitive_field()

    country_id = SelectField(plan_field("country_id").label, coerce=int, description=plan_field("country_id").hint)
    title = plan_text("title")
    period_start = year(plan_field("period_start").label, needed=True)
    period_end = year(plan_field("period_end").label, needed=True)
    summary = plan_text("summary")

    def validate_period_end(self, field):
        _check_period(self.period_start.data, field.data)


class ContextForm(StepForm):
    """Step 2: the situation, the legal frame, the gaps and the priorities."""

    sensitive = sensitive_field()

    context_situation = plan_text("context_situation")
    context_legal = plan_text("context_legal")
    context_gaps = plan_text("context_gaps")
    priorities = plan_text("priorities")


class LessonEntryForm(Form):
    """One recommendation of the catalogue: picked or not, and how it is applied."""

    recommendation_id = HiddenField()
    picked = BooleanField(label_of("lesson", "recommendation_id"))
    how_applied = item_text("lesson", "how_applied", needed=False)

    def validate_how_applied(self, field):
        # A plain Save keeps a ticked lesson without its line; moving on asks for it.
        if self.picked.data and not (field.data or "").strip() and is_strict(self):
            raise ValidationError("Say how the plan applies this lesson, or untick it.")


class LessonsForm(StepForm):
    """Step 3: lessons of the 2019 Community of Practice."""

    lessons = RowList(FormField(LessonEntryForm), cap=ROW_CAPS["lessons"], noun="lessons")


class ObjectiveEntryForm(Form):
    """One of the six objectives: picked or not, its rank and rationale."""

    objective_id = HiddenField()
    picked = BooleanField(label_of("objective", "objective_id"))
    priority = IntegerField(
        label_of("objective", "priority"),
        validators=[Optional(), NumberRange(min=1, max=6, message="Rank from 1 (highest) to 6.")],
        description=item_field("objective", "priority").hint,
    )
    rationale = item_text("objective", "rationale", needed=False)

    def validate_rationale(self, field):
        if self.picked.data and not (field.data or "").strip() and is_strict(self):
            raise ValidationError("Give a rationale for each objective you include.")


class ObjectivesForm(StepForm):
    """Step 4: which of the six objectives, in what order, and why."""

    objectives = RowList(FormField(ObjectiveEntryForm), cap=ROW_CAPS["objectives"], noun="objectives")

    def validate_objectives(self, field):
        if is_strict(self) and not any(entry.form.picked.data for entry in field.entries):
            raise ValidationError("Include at least one objective.")


class IndicatorForm(Form):
    """How an output is measured."""

    id = HiddenField()
    description = item_text("indicator", "description")
    baseline_value = item_text("indicator", "baseline_value")
    baseline_year = year(label_of("indicator", "baseline_year"), needed=True)
    target_value = item_text("indicator", "target_value")
    target_year = year(label_of("indicator", "target_year"), needed=True)
    source_of_verification = item_text("indicator", "source_of_verification")
    assumptions = item_text("indicator", "assumptions")


class OutputForm(Form):
    """An output and its indicators."""

    id = HiddenField()
    statement = item_text("output", "statement")
    lesson_ids = CheckboxListField(
        label_of("output", "lessons"),
        coerce=int,
        validate_choice=False,
        validators=[at_most(ROW_CAPS["lessons"], "lessons")],
    )
    indicators = RowList(FormField(IndicatorForm), cap=ROW_CAPS["indicators"], noun="indicators per output")


class ObjectiveResultsForm(Form):
    """The outcome and outputs of one chosen objective."""

    workplan_objective_id = HiddenField()
    outcome = item_text("objective", "outcome")
    outputs = RowList(FormField(OutputForm), cap=ROW_CAPS["outputs"], noun="outputs per objective")


class ResultsForm(StepForm):
    """Step 5: outcomes, outputs and indicators."""

    objectives = RowList(FormField(ObjectiveResultsForm), cap=ROW_CAPS["objectives"], noun="objectives")


class ActivityForm(Form):
    """An activity: what, who, where, when, how much."""

    id = HiddenField()
    description = item_text("activity", "description")
    lead_agency = SelectField(label_of("activity", "lead_agency"), validators=[NeededToContinue()], default="")
    partner_ids = CheckboxListField(
        label_of("activity", "partners"),
        coerce=int,
        validate_choice=False,
        validators=[at_most(ROW_CAPS["partners"], "partners")],
    )
    new_partner_name = line(
        "Propose a partner not in the list", "An administrator confirms it; it is linked to this activity at once."
    )
    new_partner_type = SelectField("Type of the proposed partner", default="")
    location = item_text("activity", "location")
    quarters = CheckboxListField(
        label_of("activity", "quarters"), validators=[NeededToContinue("Tick at least one quarter.")]
    )
    budget_eur = MoneyField(
        label_of("activity", "budget_eur"),
        places=2,
        validators=[
            NeededToContinue(),
            Optional(),
            finite_amount,
            NumberRange(min=0, max=100_000_000, message="Enter an amount from 0 to 100,000,000."),
        ],
    )
    is_gender_sensitive = BooleanField(label_of("activity", "is_gender_sensitive"))
    is_human_rights_based = BooleanField(label_of("activity", "is_human_rights_based"))
    is_child_sensitive = BooleanField(label_of("activity", "is_child_sensitive"))
    is_capacity_building = BooleanField(label_of("activity", "is_capacity_building"))
    follow_up = item_text("activity", "follow_up")
    lesson_ids = CheckboxListField(
        label_of("activity", "lessons"),
        coerce=int,
        validate_choice=False,
        validators=[at_most(ROW_CAPS["lessons"], "lessons")],
    )
    sensitive_fields = CheckboxListField(
        "Sensitive: leave out of the donor and public editions",
        description="For example the location of a shelter, or contacts of a victim-support service.",
    )


class OutputActivitiesForm(Form):
    """The activities under one output."""

    output_id = HiddenField()
    activities = RowList(FormField(ActivityForm), cap=ROW_CAPS["activities"], noun="activities per output")


class ActivitiesForm(StepForm):
    """Step 6: activities per output."""

    outputs = RowList(FormField(OutputActivitiesForm), cap=ROW_CAPS["plan_outputs"], noun="outputs")


class RiskForm(Form):
    """A risk and its mitigation."""

    id = HiddenField()
    description = item_text("risk", "description")
    likelihood = SelectField(label_of("risk", "likelihood"), validators=[NeededToContinue()], default="")
    impact = SelectField(label_of("risk", "impact"), validators=[NeededToContinue()], default="")
    mitigation = item_text("risk", "mitigation")
    owner = item_text("risk", "owner")


class RisksForm(StepForm):
    """Step 7: risks and mitigation."""

    risks = RowList(FormField(RiskForm), cap=ROW_CAPS["risks"], noun="risks")


class PartnershipsForm(StepForm):
    """Step 8: partnerships and ownership."""

    sensitive = sensitive_field()

    partnerships = plan_text("partnerships")
    ownership = plan_text("ownership")


class MelForm(StepForm):
    """Step 9: monitoring, evaluation and learning."""

    sensitive = sensitive_field()

    mel = plan_text("mel")
    reporting_calendar = plan_text("reporting_calendar")


class OutputSustainabilityForm(Form):
    """Who carries one output on after the project."""

    output_id = HiddenField()
    carried_on_by = item_text("output", "carried_on_by")


class SustainabilityForm(StepForm):
    """Step 10: sustainability and exit."""

    sensitive = sensitive_field()

    sustainability = plan_text("sustainability")
    outputs = RowList(FormField(OutputSustainabilityForm), cap=ROW_CAPS["plan_outputs"], noun="outputs")


class TheoryForm(StepForm):
    """Step 11: the national theory of change."""

    sensitive = sensitive_field()

    toc_if = plan_text("toc_if")
    toc_and_if = plan_text("toc_and_if")
    toc_then = plan_text("toc_then")
    toc_because = plan_text("toc_because")
