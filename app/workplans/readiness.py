"""The readiness check: plain-language rules a plan must meet before it goes to HQ."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from app.catalogue.models import PartnerType
from app.plan_sections import ITEM_KINDS, TEXT, item_field_names, plan_field, readiness_phrase, step_fields
from app.workplans.models import Workplan
from app.workplans.step_data import risk_complete

GREEN, AMBER, RED = "green", "amber", "red"
# A rule whose subject does not exist yet (no activity, no output…): neither passed nor failed.
NOTHING = "nothing"
LEVEL_ORDER = {GREEN: 0, NOTHING: 0, AMBER: 1, RED: 2}


class Problem(str):
    """A readiness problem as people read it, with the id of the step field that fixes it (or None)."""

    field: str | None

    def __new__(cls, text: str, field: str | None = None):
        problem = super().__new__(cls, text)
        problem.field = field
        return problem


def _always(workplan: Workplan) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    """A readiness rule: what it checks, how serious a failure is, and which step fixes it."""

    key: str
    label: str
    level_if_failed: str
    step: str
    problems: Callable[[Workplan], Iterator[str]]
    # Whether the plan holds anything this rule checks; a rule with nothing to check is not "Ready".
    applies: Callable[[Workplan], bool] = _always


@dataclass
class RuleResult:
    """One rule's outcome for one plan."""

    rule: Rule
    problems: list[str]
    applies: bool = True

    @property
    def level(self) -> str:
        if self.problems:
            return self.rule.level_if_failed
        return GREEN if self.applies else NOTHING


@dataclass
class Readiness:
    """Every rule's result and the overall level: red blocks submission."""

    results: list[RuleResult] = field(default_factory=list)

    @property
    def level(self) -> str:
        level = max((result.level for result in self.results), key=LEVEL_ORDER.get, default=GREEN)
        return GREEN if level == NOTHING else level

    @property
    def can_submit(self) -> bool:
        return self.level != RED

    @property
    def failed(self) -> list[RuleResult]:
        return [result for result in self.results if result.problems]

    def result(self, key: str) -> RuleResult:
        return next(result for result in self.results if result.rule.key == key)


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def _objective_name(item) -> str:
    return f"Objective {item.objective.number} ({item.objective.title})"


# Screen names, as the step pages head each item, and the ids of the step fields that hold them.
# The step forms list entries in the plan's own order, so an item's place there is its index here.


def _output_code(item, output) -> str:
    return f"{item.objective.number}.{output.position}"


def _results_places(workplan):
    """(objective index, objective, output index, output) as the Results step lists them."""
    for o, item in enumerate(workplan.objectives):
        for j, output in enumerate(item.outputs):
            yield o, item, j, output


def _activity_places(workplan):
    """(output index, objective, output, activity index, activity) as the Activities step lists them."""
    index = 0
    for item in workplan.objectives:
        for output in item.outputs:
            for a, activity in enumerate(output.activities):
                yield index, item, output, a, activity
            index += 1


def _output_indexes(workplan) -> dict[int, int]:
    """Each output's place on the Activities and Sustainability steps, which list every output in turn."""
    return {id(output): index for index, output in enumerate(workplan.outputs)}


def _narrative_rule(step: str, label: str) -> Rule:
    def problems(workplan: Workplan):
        for name in step_fields(step):
            field = plan_field(name)
            if field.kind == TEXT and field.needed and _blank(getattr(workplan, name)):
                yield Problem(f"Write {readiness_phrase(field)}.", name)

    return Rule(f"narrative_{step}", label, RED, step, problems)


def _objectives_chosen(workplan):
    if not workplan.objectives:
        yield Problem("Choose at least one of the six GLO.ACT objectives.", "objectives-0-picked")
    for item in workplan.objectives:
        if _blank(item.rationale):
            # The Objectives step lists the six objectives by number.
            yield Problem(
                f"{_objective_name(item)} needs a rationale.", f"objectives-{item.objective.number - 1}-rationale"
            )


def _objective_results(workplan):
    for o, item in enumerate(workplan.objectives):
        if _blank(item.outcome):
            yield Problem(f"{_objective_name(item)} has no outcome statement.", f"objectives-{o}-outcome")
        if not item.outputs:
            yield Problem(f"{_objective_name(item)} has no output.", f"objectives-{o}")
    for o, item, j, output in _results_places(workplan):
        if _blank(output.statement):
            yield Problem(
                f"Output {_output_code(item, output)} has no statement.", f"objectives-{o}-outputs-{j}-statement"
            )


# What an indicator must state; assumptions are welcome but optional.
INDICATOR_PARTS = tuple(
    (field.name, "description" if field.label == ITEM_KINDS["indicator"].label else field.label.lower())
    for field in ITEM_KINDS["indicator"].fields
    if field.needed
)


def _output_indicators(workplan):
    for o, item, j, output in _results_places(workplan):
        code = _output_code(item, output)
        place = f"objectives-{o}-outputs-{j}"
        if not output.indicators:
            yield Problem(f"Output {code} has no indicator.", place)
        for k, indicator in enumerate(output.indicators):
            missing = [(name, label) for name, label in INDICATOR_PARTS if _blank(getattr(indicator, name))]
            if missing:
                yield Problem(
                    f"Indicator {code}.{k + 1} lacks: {', '.join(label for _, label in missing)}.",
                    f"{place}-indicators-{k}-{missing[0][0]}",
                )


def _activity_code(item, output, a) -> str:
    return f"Activity {_output_code(item, output)}.{a + 1}"


def _activity_details(workplan):
    for o, item, output, a, activity in _activity_places(workplan):
        place = f"outputs-{o}-activities-{a}"
        missing = []
        if _blank(activity.description):
            missing.append(("description", "a description"))
        if not activity.quarters:
            missing.append(("quarters", "a quarter"))
        if activity.lead_agency is None:
            missing.append(("lead_agency", "a lead agency"))
        if not any(partner.country_id == workplan.country_id for partner in activity.partners):
            missing.append(("partner_ids", "a national partner"))
        if activity.budget_eur is None:
            missing.append(("budget_eur", "a budget"))
        name = _activity_code(item, output, a)
        if missing:
            yield Problem(f"{name} needs {', '.join(label for _, label in missing)}.", f"{place}-{missing[0][0]}")
        outside = [q.key for q in activity.quarters if q.year not in workplan.years]
        if outside:
            yield Problem(f"{name} is scheduled outside the plan period ({', '.join(outside)}).", f"{place}-quarters")


def _budget_adds_up(workplan):
    indexes = _output_indexes(workplan)
    for item in workplan.objectives:
        total = Decimal(0)
        for output in item.outputs:
            place = f"outputs-{indexes[id(output)]}"
            code = _output_code(item, output)
            if not output.activities:
                yield Problem(f"Output {code} has no activity, so no budget.", place)
            elif output.budget_eur <= 0:
                yield Problem(f"The activities of Output {code} add up to EUR 0.", f"{place}-activities-0-budget_eur")
            total += output.budget_eur
        if item.outputs and total <= 0:
            yield Problem(f"{_objective_name(item)} has no budget.", f"outputs-{indexes[id(item.outputs[0])]}")


def _civil_society(workplan):
    if not any(
        partner.type == PartnerType.CIVIL_SOCIETY for activity in workplan.activities for partner in activity.partners
    ):
        first = next(_activity_places(workplan), None)
        yield Problem(
            "Engage at least one civil society partner in an activity (whole-of-society approach).",
            f"outputs-{first[0]}-activities-{first[3]}-partner_ids" if first else None,
        )


def _gender_age(workplan):
    places = list(_activity_places(workplan))
    for item in workplan.objectives:
        activities = [activity for output in item.outputs for activity in output.activities]
        if not any(a.is_gender_sensitive or a.is_child_sensitive for a in activities):
            first = next((place for place in places if place[1] is item), None)
            yield Problem(
                f"{_objective_name(item)}: mark at least one activity as gender- or child- and age-sensitive.",
                f"outputs-{first[0]}-activities-{first[3]}-is_gender_sensitive" if first else None,
            )


def _capacity_follow_up(workplan):
    for o, item, output, a, activity in _activity_places(workplan):
        if activity.is_capacity_building and _blank(activity.follow_up):
            yield Problem(
                f"Capacity-building {_activity_code(item, output, a)} must say how participants stay "
                "connected and how counterparts stay committed for at least two years.",
                f"outputs-{o}-activities-{a}-follow_up",
            )


def _lesson_place(lesson) -> str:
    return f"lesson-{lesson.recommendation_id}"


def _lessons_linked(workplan):
    for lesson in workplan.lessons:
        if _blank(lesson.how_applied):
            yield Problem(f"Say how the plan applies “{lesson.recommendation.label}”.", _lesson_place(lesson))
        if not lesson.outputs and not lesson.activities:
            yield Problem(
                f"Link the lesson “{lesson.recommendation.label}” to at least one output or activity.",
                _lesson_place(lesson),
            )


def _lessons_chosen(workplan):
    if not workplan.lessons:
        yield Problem("Pick the Community of Practice lessons the plan applies.")


RISK_PARTS = item_field_names("risk")


def _risks(workplan):
    if not workplan.risks:
        yield Problem("Name at least one risk and its mitigation.")
    for r, risk in enumerate(workplan.risks):
        if not risk_complete(risk):
            missing = [name for name in RISK_PARTS if _blank(getattr(risk, name))] or ["description"]
            yield Problem(f"Risk {r + 1} needs likelihood, impact, mitigation and an owner.", f"risks-{r}-{missing[0]}")


def _carried_on(workplan):
    indexes = _output_indexes(workplan)
    for item in workplan.objectives:
        for output in item.outputs:
            if _blank(output.carried_on_by):
                yield Problem(
                    f"Say who carries Output {_output_code(item, output)} on after the project.",
                    f"outputs-{indexes[id(output)]}-carried_on_by",
                )


def _has_objectives(workplan) -> bool:
    return bool(workplan.objectives)


def _has_outputs(workplan) -> bool:
    return bool(workplan.outputs)


def _has_activities(workplan) -> bool:
    return bool(workplan.activities)


def _has_lessons(workplan) -> bool:
    return bool(workplan.lessons)


RULES = [
    _narrative_rule("basics", "The summary is written."),
    _narrative_rule("context", "The context, legal frame, gaps and priorities are described."),
    Rule("lessons_chosen", "Community of Practice lessons are chosen.", AMBER, "lessons", _lessons_chosen),
    Rule("objectives_chosen", "Objectives are chosen, each with a rationale.", RED, "objectives", _objectives_chosen),
    Rule(
        "objective_results",
        "Every objective has an outcome and at least one output.",
        RED,
        "results",
        _objective_results,
        _has_objectives,
    ),
    Rule(
        "output_indicators",
        "Every output has indicators with baseline, target and source of verification.",
        RED,
        "results",
        _output_indicators,
        _has_outputs,
    ),
    Rule(
        "activity_details",
        "Every activity has a quarter, a lead agency, a national partner and a budget.",
        RED,
        "activities",
        _activity_details,
        _has_activities,
    ),
    Rule("budget", "Budgets add up for every output and objective.", RED, "activities", _budget_adds_up, _has_outputs),
    Rule("civil_society", "Civil society is engaged.", RED, "activities", _civil_society),
    Rule(
        "gender_age",
        "Every objective has a gender- or age-sensitive activity.",
        RED,
        "activities",
        _gender_age,
        _has_objectives,
    ),
    Rule(
        "capacity_follow_up",
        "Capacity-building activities plan their follow-up.",
        RED,
        "activities",
        _capacity_follow_up,
        _has_activities,
    ),
    Rule(
        "lessons_linked",
        "Every chosen lesson shapes an output or activity.",
        RED,
        "lessons",
        _lessons_linked,
        _has_lessons,
    ),
    Rule("risks", "Risks are named with their mitigation.", AMBER, "risks", _risks),
    _narrative_rule("partnerships", "Partnerships and ownership are described."),
    _narrative_rule("mel", "Monitoring, evaluation and learning are planned."),
    _narrative_rule("sustainability", "The sustainability and exit strategy is written."),
    Rule(
        "carried_on",
        "Someone carries every output on after the project.",
        AMBER,
        "sustainability",
        _carried_on,
        _has_outputs,
    ),
    _narrative_rule("theory", "The theory of change is complete."),
]


def check_readiness(workplan: Workplan) -> Readiness:
    """Run every rule against the plan."""
    return Readiness([RuleResult(rule, list(rule.problems(workplan)), rule.applies(workplan)) for rule in RULES])
