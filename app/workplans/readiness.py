"""The readiness check: plain-language rules a plan must meet before it goes to HQ."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from app.catalogue.models import PartnerType
from app.workplans.models import Workplan
from app.workplans.step_data import risk_complete

GREEN, AMBER, RED = "green", "amber", "red"
LEVEL_ORDER = {GREEN: 0, AMBER: 1, RED: 2}


@dataclass(frozen=True)
class Rule:
    """A readiness rule: what it checks, how serious a failure is, and which step fixes it."""

    key: str
    label: str
    level_if_failed: str
    step: str
    problems: Callable[[Workplan], Iterator[str]]


@dataclass
class RuleResult:
    """One rule's outcome for one plan."""

    rule: Rule
    problems: list[str]

    @property
    def level(self) -> str:
        return self.rule.level_if_failed if self.problems else GREEN


@dataclass
class Readiness:
    """Every rule's result and the overall level: red blocks submission."""

    results: list[RuleResult] = field(default_factory=list)

    @property
    def level(self) -> str:
        return max((result.level for result in self.results), key=LEVEL_ORDER.get, default=GREEN)

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


def _short(text: str, length: int = 60) -> str:
    text = " ".join((text or "").split())
    return f"“{text[:length]}…”" if len(text) > length else f"“{text}”" if text else "(untitled)"


def _objective_name(item) -> str:
    return f"Objective {item.objective.number} ({item.objective.title})"


NARRATIVES = (
    ("summary", "summary", "basics"),
    ("context_situation", "TIP/SOM situation", "context"),
    ("context_legal", "legal and policy framework", "context"),
    ("context_gaps", "gaps and needs findings", "context"),
    ("priorities", "priorities", "context"),
    ("partnerships", "partnerships and coordination", "partnerships"),
    ("ownership", "ownership and local buy-in", "partnerships"),
    ("mel", "monitoring, evaluation and learning", "mel"),
    ("reporting_calendar", "reporting calendar", "mel"),
    ("sustainability", "sustainability and exit strategy", "sustainability"),
    ("toc_if", "theory of change: IF", "theory"),
    ("toc_and_if", "theory of change: AND IF", "theory"),
    ("toc_then", "theory of change: THEN", "theory"),
    ("toc_because", "theory of change: BECAUSE", "theory"),
)


def _narrative_rule(step: str, label: str) -> Rule:
    def problems(workplan: Workplan):
        for name, title, where in NARRATIVES:
            if where == step and _blank(getattr(workplan, name)):
                yield f"Write the {title}."

    return Rule(f"narrative_{step}", label, RED, step, problems)


def _objectives_chosen(workplan):
    if not workplan.objectives:
        yield "Choose at least one of the six GLO.ACT objectives."
    for item in workplan.objectives:
        if _blank(item.rationale):
            yield f"{_objective_name(item)} needs a rationale."


def _objective_results(workplan):
    for item in workplan.objectives:
        if _blank(item.outcome):
            yield f"{_objective_name(item)} has no outcome statement."
        if not item.outputs:
            yield f"{_objective_name(item)} has no output."
        for output in item.outputs:
            if _blank(output.statement):
                yield f"An output of {_objective_name(item)} has no statement."


def _output_indicators(workplan):
    for output in workplan.outputs:
        if not output.indicators:
            yield f"Output {_short(output.statement)} has no indicator."
        for indicator in output.indicators:
            missing = [
                label
                for label, value in (
                    ("baseline value", indicator.baseline_value),
                    ("baseline year", indicator.baseline_year),
                    ("target value", indicator.target_value),
                    ("target year", indicator.target_year),
                    ("source of verification", indicator.source_of_verification),
                    ("description", indicator.description),
                )
                if _blank(value)
            ]
            if missing:
                yield f"Indicator {_short(indicator.description)} of output {_short(output.statement, 40)} lacks: {', '.join(missing)}."


def _activity_details(workplan):
    for activity in workplan.activities:
        missing = []
        if _blank(activity.description):
            missing.append("a description")
        if not activity.quarters:
            missing.append("a quarter")
        if activity.lead_agency is None:
            missing.append("a lead agency")
        if not any(partner.country_id == workplan.country_id for partner in activity.partners):
            missing.append("a national partner")
        if activity.budget_eur is None:
            missing.append("a budget")
        if missing:
            yield f"Activity {_short(activity.description)} needs {', '.join(missing)}."
        outside = [q.key for q in activity.quarters if q.year not in workplan.years]
        if outside:
            yield f"Activity {_short(activity.description)} is scheduled outside the plan period ({', '.join(outside)})."


def _budget_adds_up(workplan):
    for item in workplan.objectives:
        total = Decimal(0)
        for output in item.outputs:
            if not output.activities:
                yield f"Output {_short(output.statement)} has no activity, so no budget."
            elif output.budget_eur <= 0:
                yield f"The activities of output {_short(output.statement)} add up to EUR 0."
            total += output.budget_eur
        if item.outputs and total <= 0:
            yield f"{_objective_name(item)} has no budget."


def _civil_society(workplan):
    if not any(
        partner.type == PartnerType.CIVIL_SOCIETY for activity in workplan.activities for partner in activity.partners
    ):
        yield "Engage at least one civil society partner in an activity (whole-of-society approach)."


def _gender_age(workplan):
    for item in workplan.objectives:
        activities = [activity for output in item.outputs for activity in output.activities]
        if not any(a.is_gender_sensitive or a.is_child_sensitive for a in activities):
            yield f"{_objective_name(item)}: mark at least one activity as gender- or child- and age-sensitive."


def _capacity_follow_up(workplan):
    for activity in workplan.activities:
        if activity.is_capacity_building and _blank(activity.follow_up):
            yield (
                f"Capacity-building activity {_short(activity.description)} must say how participants stay "
                "connected and how counterparts stay committed for at least two years."
            )


def _lessons_linked(workplan):
    for lesson in workplan.lessons:
        if _blank(lesson.how_applied):
            yield f"Say how the plan applies “{lesson.recommendation.label}”."
        if not lesson.outputs and not lesson.activities:
            yield f"Link the lesson “{lesson.recommendation.label}” to at least one output or activity."


def _lessons_chosen(workplan):
    if not workplan.lessons:
        yield "Pick the Community of Practice lessons the plan applies."


def _risks(workplan):
    if not workplan.risks:
        yield "Name at least one risk and its mitigation."
    for risk in workplan.risks:
        if not risk_complete(risk):
            yield f"Risk {_short(risk.description)} needs likelihood, impact, mitigation and an owner."


def _carried_on(workplan):
    for output in workplan.outputs:
        if _blank(output.carried_on_by):
            yield f"Say who carries output {_short(output.statement)} on after the project."


RULES = [
    _narrative_rule("basics", "The summary is written."),
    _narrative_rule("context", "The context, legal frame, gaps and priorities are described."),
    Rule("lessons_chosen", "Community of Practice lessons are chosen.", AMBER, "lessons", _lessons_chosen),
    Rule("objectives_chosen", "Objectives are chosen, each with a rationale.", RED, "objectives", _objectives_chosen),
    Rule("objective_results", "Every objective has an outcome and at least one output.", RED, "results", _objective_results),
    Rule(
        "output_indicators",
        "Every output has indicators with baseline, target and source of verification.",
        RED,
        "results",
        _output_indicators,
    ),
    Rule(
        "activity_details",
        "Every activity has a quarter, a lead agency, a national partner and a budget.",
        RED,
        "activities",
        _activity_details,
    ),
    Rule("budget", "Budgets add up for every output and objective.", RED, "activities", _budget_adds_up),
    Rule("civil_society", "Civil society is engaged.", RED, "activities", _civil_society),
    Rule("gender_age", "Every objective has a gender- or age-sensitive activity.", RED, "activities", _gender_age),
    Rule(
        "capacity_follow_up",
        "Capacity-building activities plan their follow-up.",
        RED,
        "activities",
        _capacity_follow_up,
    ),
    Rule("lessons_linked", "Every chosen lesson shapes an output or activity.", RED, "lessons", _lessons_linked),
    Rule("risks", "Risks are named with their mitigation.", AMBER, "risks", _risks),
    _narrative_rule("partnerships", "Partnerships and ownership are described."),
    _narrative_rule("mel", "Monitoring, evaluation and learning are planned."),
    _narrative_rule("sustainability", "The sustainability and exit strategy is written."),
    Rule("carried_on", "Someone carries every output on after the project.", AMBER, "sustainability", _carried_on),
    _narrative_rule("theory", "The theory of change is complete."),
]


def check_readiness(workplan: Workplan) -> Readiness:
    """Run every rule against the plan."""
    return Readiness([RuleResult(rule, list(rule.problems(workplan))) for rule in RULES])
