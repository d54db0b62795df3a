"""The step registry: every drafting step's form, how it loads, saves and counts as complete."""

from collections.abc import Callable
from dataclasses import dataclass

from app.workplans import forms, step_data
from app.workplans.context import StepContext
from app.workplans.models import Workplan

COMPLETE, PARTIAL, EMPTY = "complete", "partial", "empty"


@dataclass(frozen=True)
class Step:
    """One step of the guided editor."""

    key: str
    title: str
    intro: str
    form_class: type[forms.StepForm] | None
    load: Callable[[Workplan, StepContext], dict] | None = None
    apply: Callable[[Workplan, dict, StepContext], None] | None = None
    completeness: Callable[[Workplan], str] | None = None
    prepare: Callable[[forms.StepForm, StepContext], None] = step_data.no_choices
    body: str = "workplans/steps/_fields.html"
    # What the officer should know about a save beyond "Saved." (e.g. a lesson ticked by its text).
    notice: Callable[[dict, StepContext], str | None] | None = None
    # Texts of this step an officer can mark sensitive (left out of donor and public PDFs).
    sensitive: tuple[str, ...] = ()

    def form_data(self, workplan: Workplan, ctx: StepContext) -> dict:
        """The step's saved values as form data, with the lock version and sensitivity marks."""
        data = {**self.load(workplan, ctx), "lock_version": workplan.lock_version}
        if self.sensitive:
            data["sensitive"] = [name for name in self.sensitive if name in (workplan.sensitive_fields or [])]
        return data

    def prepare_form(self, form: forms.StepForm, ctx: StepContext) -> None:
        """Set the form's dynamic choices."""
        self.prepare(form, ctx)
        if self.sensitive:
            form.sensitive.choices = step_data.choices((name, form[name].label.text) for name in self.sensitive)

    def write(self, workplan: Workplan, data: dict, ctx: StepContext) -> None:
        """Apply the step's data to the plan, sensitivity marks included."""
        self.apply(workplan, data, ctx)
        if self.sensitive:
            chosen = set(data.get("sensitive") or []) & set(self.sensitive)
            others = set(workplan.sensitive_fields or []) - set(self.sensitive)
            workplan.sensitive_fields = sorted(others | chosen)


def _fields_state(*names: str) -> Callable[[Workplan], str]:
    """Completeness of a step made of plain text fields."""

    def state(workplan: Workplan) -> str:
        filled = [bool((getattr(workplan, name) or "").strip()) for name in names]
        return COMPLETE if all(filled) else PARTIAL if any(filled) else EMPTY

    return state


def _narrative_step(key: str, title: str, intro: str, form_class, names: tuple[str, ...]) -> Step:
    return Step(
        key=key,
        title=title,
        intro=intro,
        form_class=form_class,
        load=step_data.loader_for(names),
        apply=step_data.applier_for(names),
        completeness=_fields_state(*names),
        sensitive=names,
    )


STEPS: list[Step] = [
    Step(
        key="basics",
        title="Basics",
        intro="Name the plan, its country and its period, and summarise it in about ten lines.",
        form_class=forms.BasicsForm,
        load=step_data.load_basics,
        apply=step_data.apply_basics,
        completeness=_fields_state("title", "summary"),
        prepare=step_data.prepare_basics,
        sensitive=("summary",),
    ),
    _narrative_step(
        "context",
        "Context and needs",
        "Describe the situation the plan responds to, the legal frame, and what the gaps-and-needs assessment found.",
        forms.ContextForm,
        ("context_situation", "context_legal", "context_gaps", "priorities"),
    ),
    Step(
        key="lessons",
        title="Lessons",
        intro="Pick the Community of Practice lessons (Vienna, 2019) this plan applies, and say how.",
        form_class=forms.LessonsForm,
        load=step_data.load_lessons,
        apply=step_data.apply_lessons,
        completeness=step_data.lessons_state,
        prepare=step_data.prepare_lessons,
        notice=step_data.lessons_notice,
        body="workplans/steps/_lessons.html",
    ),
    Step(
        key="objectives",
        title="Objectives",
        intro="Choose among the six GLO.ACT objectives, rank them (1 is the highest priority) and say why.",
        form_class=forms.ObjectivesForm,
        load=step_data.load_objectives,
        apply=step_data.apply_objectives,
        completeness=step_data.objectives_state,
        prepare=step_data.prepare_objectives,
        body="workplans/steps/_objectives.html",
    ),
    Step(
        key="results",
        title="Results",
        intro="For each objective: the outcome, the outputs, and indicators with baseline, target and source.",
        form_class=forms.ResultsForm,
        load=step_data.load_results,
        apply=step_data.apply_results,
        completeness=step_data.results_state,
        prepare=step_data.prepare_results,
        body="workplans/steps/_results.html",
    ),
    Step(
        key="activities",
        title="Activities",
        intro="For each output: the activities, who leads them, with whom, where, when and at what cost.",
        form_class=forms.ActivitiesForm,
        load=step_data.load_activities,
        apply=step_data.apply_activities,
        completeness=step_data.activities_state,
        prepare=step_data.prepare_activities,
        body="workplans/steps/_activities.html",
    ),
    Step(
        key="risks",
        title="Risks",
        intro="What could stop the plan, how likely and how harmful it is, and what you do about it.",
        form_class=forms.RisksForm,
        load=step_data.load_risks,
        apply=step_data.apply_risks,
        completeness=step_data.risks_state,
        prepare=step_data.prepare_risks,
        body="workplans/steps/_risks.html",
    ),
    _narrative_step(
        "partnerships",
        "Partnerships and ownership",
        "Who is engaged and how national counterparts own the plan.",
        forms.PartnershipsForm,
        ("partnerships", "ownership"),
    ),
    _narrative_step(
        "mel",
        "Monitoring, evaluation and learning",
        "How you follow progress, learn and adapt.",
        forms.MelForm,
        ("mel", "reporting_calendar"),
    ),
    Step(
        key="sustainability",
        title="Sustainability and exit",
        intro="How the results last after the project, and who carries each output on.",
        form_class=forms.SustainabilityForm,
        load=step_data.load_sustainability,
        apply=step_data.apply_sustainability,
        completeness=step_data.sustainability_state,
        body="workplans/steps/_sustainability.html",
        sensitive=("sustainability",),
    ),
    Step(
        key="theory",
        title="Theory of change",
        intro="IF … AND IF … THEN … BECAUSE …: pre-filled from your objectives and outcomes; edit it freely.",
        form_class=forms.TheoryForm,
        load=step_data.load_theory,
        apply=step_data.applier_for(step_data.THEORY_FIELDS),
        completeness=_fields_state(*step_data.THEORY_FIELDS),
        sensitive=step_data.THEORY_FIELDS,
    ),
    Step(
        key="check",
        title="Check and submit",
        intro="The readiness check lists what is missing. Red items block submission; each links to its step.",
        form_class=None,
    ),
]

STEPS_BY_KEY = {step.key: step for step in STEPS}


def get_step(key: str) -> Step | None:
    """Return the step with this key, or None."""
    return STEPS_BY_KEY.get(key)


def next_step(step: Step) -> Step | None:
    """Return the step after this one, or None for the last."""
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def previous_step(step: Step) -> Step | None:
    """Return the step before this one, or None for the first."""
    index = STEPS.index(step)
    return STEPS[index - 1] if index > 0 else None


def progress(workplan: Workplan) -> list[tuple[Step, str]]:
    """Return each step with its completeness: complete, partial or empty."""
    return [(step, step.completeness(workplan) if step.completeness else EMPTY) for step in STEPS]
