"""The step registry: every drafting step's form, how it loads, saves and counts as complete.

Titles, intros and the texts each step edits come from the plan's sections (app/plan_sections.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

from app.plan_sections import STEP_PAGES_BY_KEY, section_fields, step_fields
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


def _narrative_step(key: str, form_class) -> Step:
    names = step_fields(key)
    return _step(
        key,
        form_class,
        load=step_data.loader_for(names),
        apply=step_data.applier_for(names),
        completeness=_fields_state(*names),
        sensitive=names,
    )


def _step(key: str, form_class, **behaviour) -> Step:
    """A step with its title and intro from the plan's sections (app/plan_sections.py)."""
    page = STEP_PAGES_BY_KEY[key]
    return Step(key=key, title=page.title, intro=page.intro, form_class=form_class, **behaviour)


STEPS: list[Step] = [
    _step(
        "basics",
        forms.BasicsForm,
        load=step_data.load_basics,
        apply=step_data.apply_basics,
        completeness=_fields_state("title", "summary"),
        prepare=step_data.prepare_basics,
        sensitive=section_fields("summary"),
    ),
    _narrative_step("context", forms.ContextForm),
    _step(
        "lessons",
        forms.LessonsForm,
        load=step_data.load_lessons,
        apply=step_data.apply_lessons,
        completeness=step_data.lessons_state,
        prepare=step_data.prepare_lessons,
        notice=step_data.lessons_notice,
        body="workplans/steps/_lessons.html",
    ),
    _step(
        "objectives",
        forms.ObjectivesForm,
        load=step_data.load_objectives,
        apply=step_data.apply_objectives,
        completeness=step_data.objectives_state,
        prepare=step_data.prepare_objectives,
        body="workplans/steps/_objectives.html",
    ),
    _step(
        "results",
        forms.ResultsForm,
        load=step_data.load_results,
        apply=step_data.apply_results,
        completeness=step_data.results_state,
        prepare=step_data.prepare_results,
        body="workplans/steps/_results.html",
    ),
    _step(
        "activities",
        forms.ActivitiesForm,
        load=step_data.load_activities,
        apply=step_data.apply_activities,
        completeness=step_data.activities_state,
        prepare=step_data.prepare_activities,
        body="workplans/steps/_activities.html",
    ),
    _step(
        "risks",
        forms.RisksForm,
        load=step_data.load_risks,
        apply=step_data.apply_risks,
        completeness=step_data.risks_state,
        prepare=step_data.prepare_risks,
        body="workplans/steps/_risks.html",
    ),
    _narrative_step("partnerships", forms.PartnershipsForm),
    _narrative_step("mel", forms.MelForm),
    _step(
        "sustainability",
        forms.SustainabilityForm,
        load=step_data.load_sustainability,
        apply=step_data.apply_sustainability,
        completeness=step_data.sustainability_state,
        body="workplans/steps/_sustainability.html",
        sensitive=section_fields("sustainability"),
    ),
    _step(
        "theory",
        forms.TheoryForm,
        load=step_data.load_theory,
        apply=step_data.applier_for(section_fields("theory")),
        completeness=_fields_state(*section_fields("theory")),
        sensitive=section_fields("theory"),
    ),
    _step("check", None),
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
