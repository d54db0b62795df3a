"""Forms of the drafting steps and of starting a plan."""

from flask import g
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

from app.workplans.fields import MoneyField, NeededToContinue, RowList, at_most, finite_amount, line, narrative

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


class CheckboxListField(SelectMultipleField):
    """Several checkboxes sharing one name."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def year(label: str, needed: bool = False, description: str = ""):
    """An optional four-digit year."""
    validators = [NeededToContinue()] if needed else []
    return IntegerField(label, validators=[*validators, Optional(), YEAR_RANGE], description=description)


class StepForm(FlaskForm):
    """Every step form carries the plan's lock version, so a stale tab cannot overwrite newer text."""

    lock_version = HiddenField()


def sensitive_field():
    """Which of the step's texts stay out of the donor and public editions of the PDF."""
    return CheckboxListField(
        "Sensitive content",
        description="Tick texts that must not leave the programme (e.g. shelter locations, contacts of "
        "victim-support services): they are left out of the donor and public PDF editions.",
    )


class NewWorkplanForm(FlaskForm):
    """Country, title and period of a new plan, and whether to start from an existing one."""

    country_id = SelectField("Country", coerce=int, validators=[NeededToContinue()])
    title = line("Title", "For example: GLO.ACT Pakistan country workplan 2026–2027.", needed=True)
    period_start = year("First year", needed=True)
    period_end = year("Last year", needed=True)
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

    country_id = SelectField("Country", coerce=int, description="Only the countries you serve are listed.")
    title = line("Title", needed=True)
    period_start = year("First year", needed=True)
    period_end = year("Last year", needed=True)
    summary = narrative(
        "Summary",
        "About ten lines: what the plan wants to change, for whom, with whom, and how it builds on what exists.",
        needed=True,
    )

    def validate_period_end(self, field):
        _check_period(self.period_start.data, field.data)


class ContextForm(StepForm):
    """Step 2: the situation, the legal frame, the gaps and the priorities."""

    sensitive = sensitive_field()

    context_situation = narrative(
        "Trafficking and smuggling situation",
        "Main forms of trafficking in persons and smuggling of migrants, routes, who is affected.",
        needed=True,
    )
    context_legal = narrative(
        "Legal and policy framework",
        "National laws, strategies and action plans; ratification of the UNTOC protocols; gaps against them.",
        needed=True,
    )
    context_gaps = narrative(
        "Gaps and needs assessment findings",
        "What the gaps-and-needs assessment found; name its source and date.",
        needed=True,
    )
    priorities = narrative("Priorities", "The few things this plan must achieve first, and why.", needed=True)


class LessonEntryForm(Form):
    """One recommendation of the catalogue: picked or not, and how it is applied."""

    recommendation_id = HiddenField()
    picked = BooleanField("Apply this lesson")
    how_applied = narrative(
        "How we apply it",
        "One or two sentences: what the plan does differently because of this lesson.",
        max_length=2000,
    )

    def validate_how_applied(self, field):
        # A plain Save keeps a ticked lesson without its line; moving on asks for it.
        if self.picked.data and not (field.data or "").strip() and _strict():
            raise ValidationError("Say how the plan applies this lesson, or untick it.")


class LessonsForm(StepForm):
    """Step 3: lessons of the 2019 Community of Practice."""

    lessons = RowList(FormField(LessonEntryForm), cap=ROW_CAPS["lessons"], noun="lessons")


class ObjectiveEntryForm(Form):
    """One of the six objectives: picked or not, its rank and rationale."""

    objective_id = HiddenField()
    picked = BooleanField("Include this objective")
    priority = IntegerField(
        "Rank", validators=[Optional(), NumberRange(min=1, max=6, message="Rank from 1 (highest) to 6.")]
    )
    rationale = narrative("Why this objective", "What need from the context step it answers.", max_length=4000)

    def validate_rationale(self, field):
        if self.picked.data and not (field.data or "").strip() and _strict():
            raise ValidationError("Give a rationale for each objective you include.")


def _strict() -> bool:
    return bool(g.get("strict_step"))


class ObjectivesForm(StepForm):
    """Step 4: which of the six objectives, in what order, and why."""

    objectives = RowList(FormField(ObjectiveEntryForm), cap=ROW_CAPS["objectives"], noun="objectives")

    def validate_objectives(self, field):
        if _strict() and not any(entry.form.picked.data for entry in field.entries):
            raise ValidationError("Include at least one objective.")


class IndicatorForm(Form):
    """How an output is measured."""

    id = HiddenField()
    description = narrative(
        "Indicator", "What is counted or observed, e.g. number of prosecutors trained.", needed=True, max_length=2000
    )
    baseline_value = line("Baseline value", needed=True)
    baseline_year = year("Baseline year", needed=True)
    target_value = line("Target value", needed=True)
    target_year = year("Target year", needed=True)
    source_of_verification = narrative(
        "Source of verification", "Where the evidence comes from.", needed=True, max_length=2000
    )
    assumptions = narrative("Assumptions", "What must hold for the target to be reached.", max_length=2000)


class OutputForm(Form):
    """An output and its indicators."""

    id = HiddenField()
    statement = narrative("Output", "A deliverable the project is accountable for.", needed=True, max_length=2000)
    lesson_ids = CheckboxListField(
        "Lessons this output applies",
        coerce=int,
        validate_choice=False,
        validators=[at_most(ROW_CAPS["lessons"], "lessons")],
    )
    indicators = RowList(FormField(IndicatorForm), cap=ROW_CAPS["indicators"], noun="indicators per output")


class ObjectiveResultsForm(Form):
    """The outcome and outputs of one chosen objective."""

    workplan_objective_id = HiddenField()
    outcome = narrative("Outcome", "The change expected by the end of the period.", needed=True, max_length=4000)
    outputs = RowList(FormField(OutputForm), cap=ROW_CAPS["outputs"], noun="outputs per objective")


class ResultsForm(StepForm):
    """Step 5: outcomes, outputs and indicators."""

    objectives = RowList(FormField(ObjectiveResultsForm), cap=ROW_CAPS["objectives"], noun="objectives")


class ActivityForm(Form):
    """An activity: what, who, where, when, how much."""

    id = HiddenField()
    description = narrative("Activity", needed=True, max_length=4000)
    lead_agency = SelectField("Lead agency", validators=[NeededToContinue()], default="")
    partner_ids = CheckboxListField(
        "National and other partners",
        coerce=int,
        validate_choice=False,
        validators=[at_most(ROW_CAPS["partners"], "partners")],
    )
    new_partner_name = line(
        "Propose a partner not in the list", "An administrator confirms it; it is linked to this activity at once."
    )
    new_partner_type = SelectField("Type of the proposed partner", default="")
    location = line("Location", needed=True)
    quarters = CheckboxListField("Quarters", validators=[NeededToContinue("Tick at least one quarter.")])
    budget_eur = MoneyField(
        "Budget (EUR)",
        places=2,
        validators=[
            NeededToContinue(),
            Optional(),
            finite_amount,
            NumberRange(min=0, max=100_000_000, message="Enter an amount from 0 to 100,000,000."),
        ],
    )
    is_gender_sensitive = BooleanField("Gender-sensitive")
    is_human_rights_based = BooleanField("Human rights-based")
    is_child_sensitive = BooleanField("Child- and age-sensitive")
    is_capacity_building = BooleanField("Capacity building (training, mentoring, study visits)")
    follow_up = narrative(
        "Follow-up after capacity building",
        "How participants stay connected (e.g. a moderated group, refreshers) and how counterparts commit for at least two years.",
        max_length=2000,
    )
    lesson_ids = CheckboxListField(
        "Lessons this activity applies",
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
    description = narrative("Risk", needed=True, max_length=2000)
    likelihood = SelectField("Likelihood", validators=[NeededToContinue()], default="")
    impact = SelectField("Impact", validators=[NeededToContinue()], default="")
    mitigation = narrative("Mitigation", needed=True, max_length=2000)
    owner = line("Owner", "Who watches this risk and acts on it.", needed=True)


class RisksForm(StepForm):
    """Step 7: risks and mitigation."""

    risks = RowList(FormField(RiskForm), cap=ROW_CAPS["risks"], noun="risks")


class PartnershipsForm(StepForm):
    """Step 8: partnerships and ownership."""

    sensitive = sensitive_field()

    partnerships = narrative(
        "Partnerships and coordination",
        "Who is engaged — national, regional and international partners and civil society — and how you coordinate.",
        needed=True,
    )
    ownership = narrative("Ownership and local buy-in", "How national counterparts own the plan.", needed=True)


class MelForm(StepForm):
    """Step 9: monitoring, evaluation and learning."""

    sensitive = sensitive_field()

    mel = narrative(
        "Monitoring, evaluation and learning",
        "How progress is tracked against the indicators, and how feedback changes the plan.",
        needed=True,
    )
    reporting_calendar = narrative("Reporting calendar", "Which reports, to whom, when.", needed=True)


class OutputSustainabilityForm(Form):
    """Who carries one output on after the project."""

    output_id = HiddenField()
    carried_on_by = narrative(
        "Who carries it on", "The institution that continues this after GLO.ACT, and how.", needed=True, max_length=2000
    )


class SustainabilityForm(StepForm):
    """Step 10: sustainability and exit."""

    sensitive = sensitive_field()

    sustainability = narrative("Sustainability and exit strategy", needed=True)
    outputs = RowList(FormField(OutputSustainabilityForm), cap=ROW_CAPS["plan_outputs"], noun="outputs")


class TheoryForm(StepForm):
    """Step 11: the national theory of change."""

    sensitive = sensitive_field()

    toc_if = narrative("IF …", "The outputs the plan delivers.", needed=True, max_length=4000)
    toc_and_if = narrative("AND IF …", "The conditions and assumptions that must hold.", needed=True, max_length=4000)
    toc_then = narrative("THEN …", "The outcomes that follow.", needed=True, max_length=4000)
    toc_because = narrative("BECAUSE …", "Why you expect this: evidence and lessons.", needed=True, max_length=4000)
