"""Each readiness rule turns red (or amber) when its condition fails, and green when fixed."""

from decimal import Decimal

import pytest

from app.catalogue.models import PartnerType
from app.extensions import db
from app.workplans.models import Level, Risk
from app.workplans.readiness import AMBER, GREEN, NOTHING, RED, check_readiness
from tests import factories


def _first_activity(plan):
    return plan.activities[0]


def _set(obj, name, value):
    original = getattr(obj, name)
    setattr(obj, name, value)
    return lambda: setattr(obj, name, original)


def break_rationale(plan):
    return _set(plan.objectives[0], "rationale", "  ")


def break_objectives(plan):
    removed = list(plan.objectives)
    plan.objectives = []
    return lambda: setattr(plan, "objectives", removed)


def break_outcome(plan):
    return _set(plan.objectives[1], "outcome", "")


def break_outputs(plan):
    item = plan.objectives[2]
    outputs = list(item.outputs)
    item.outputs = []
    return lambda: setattr(item, "outputs", outputs)


def break_indicator_source(plan):
    return _set(plan.outputs[0].indicators[0], "source_of_verification", "")


def break_indicator_baseline_year(plan):
    return _set(plan.outputs[1].indicators[0], "baseline_year", None)


def break_no_indicator(plan):
    output = plan.outputs[0]
    indicators = list(output.indicators)
    output.indicators = []
    return lambda: setattr(output, "indicators", indicators)


def break_quarters(plan):
    activity = _first_activity(plan)
    quarters = list(activity.quarters)
    activity.quarters = []
    return lambda: setattr(activity, "quarters", quarters)


def break_lead_agency(plan):
    return _set(_first_activity(plan), "lead_agency", None)


def break_national_partner(plan):
    activity = _first_activity(plan)
    partners = list(activity.partners)
    activity.partners = [p for p in partners if p.country_id != plan.country_id]
    return lambda: setattr(activity, "partners", partners)


def break_budget_missing(plan):
    return _set(_first_activity(plan), "budget_eur", None)


def break_budget_zero(plan):
    output = plan.outputs[0]
    restores = [_set(activity, "budget_eur", Decimal(0)) for activity in output.activities]
    return lambda: [restore() for restore in restores]


def break_output_without_activity(plan):
    output = plan.outputs[0]
    activities = list(output.activities)
    output.activities = []
    return lambda: setattr(output, "activities", activities)


def break_civil_society(plan):
    saved = {a: list(a.partners) for a in plan.activities}
    for activity in plan.activities:
        activity.partners = [p for p in activity.partners if p.type != PartnerType.CIVIL_SOCIETY]
    return lambda: [setattr(a, "partners", partners) for a, partners in saved.items()]


def break_gender(plan):
    item = plan.objectives[0]
    activities = [a for output in item.outputs for a in output.activities]
    restores = [_set(a, "is_gender_sensitive", False) for a in activities]
    restores += [_set(a, "is_child_sensitive", False) for a in activities]
    return lambda: [restore() for restore in restores]


def break_follow_up(plan):
    activity = next(a for a in plan.activities if a.is_capacity_building)
    return _set(activity, "follow_up", "")


def break_lesson_links(plan):
    lesson = plan.lessons[0]
    outputs, activities = list(lesson.outputs), list(lesson.activities)
    lesson.outputs, lesson.activities = [], []

    def restore():
        lesson.outputs, lesson.activities = outputs, activities

    return restore


def break_lesson_how(plan):
    return _set(plan.lessons[0], "how_applied", "")


def break_summary(plan):
    return _set(plan, "summary", "")


def break_context(plan):
    return _set(plan, "context_gaps", "")


def break_theory(plan):
    return _set(plan, "toc_because", "")


def break_partnerships(plan):
    return _set(plan, "ownership", "")


def break_mel(plan):
    return _set(plan, "reporting_calendar", "")


def break_sustainability(plan):
    return _set(plan, "sustainability", "")


def break_outside_period(plan):
    activity = _first_activity(plan)
    return _set(activity.quarters[0], "year", plan.period_end + 1)


def break_risks(plan):
    risks = list(plan.risks)
    plan.risks = []
    return lambda: setattr(plan, "risks", risks)


def break_risk_detail(plan):
    return _set(plan.risks[0], "owner", "")


def break_lessons_chosen(plan):
    lessons = list(plan.lessons)
    saved = {a: list(a.lessons) for a in plan.activities}
    saved_outputs = {o: list(o.lessons) for o in plan.outputs}
    plan.lessons = []

    def restore():
        plan.lessons = lessons
        for activity, values in saved.items():
            activity.lessons = values
        for output, values in saved_outputs.items():
            output.lessons = values

    return restore


def break_carried_on(plan):
    return _set(plan.outputs[-1], "carried_on_by", "")


CASES = [
    ("objectives_chosen", RED, break_rationale),
    ("objectives_chosen", RED, break_objectives),
    ("objective_results", RED, break_outcome),
    ("objective_results", RED, break_outputs),
    ("output_indicators", RED, break_indicator_source),
    ("output_indicators", RED, break_indicator_baseline_year),
    ("output_indicators", RED, break_no_indicator),
    ("activity_details", RED, break_quarters),
    ("activity_details", RED, break_lead_agency),
    ("activity_details", RED, break_national_partner),
    ("activity_details", RED, break_budget_missing),
    ("activity_details", RED, break_outside_period),
    ("budget", RED, break_budget_zero),
    ("budget", RED, break_output_without_activity),
    ("civil_society", RED, break_civil_society),
    ("gender_age", RED, break_gender),
    ("capacity_follow_up", RED, break_follow_up),
    ("lessons_linked", RED, break_lesson_links),
    ("lessons_linked", RED, break_lesson_how),
    ("narrative_basics", RED, break_summary),
    ("narrative_context", RED, break_context),
    ("narrative_theory", RED, break_theory),
    ("narrative_partnerships", RED, break_partnerships),
    ("narrative_mel", RED, break_mel),
    ("narrative_sustainability", RED, break_sustainability),
    ("risks", AMBER, break_risks),
    ("risks", AMBER, break_risk_detail),
    ("lessons_chosen", AMBER, break_lessons_chosen),
    ("carried_on", AMBER, break_carried_on),
]


def test_the_demo_plan_is_green(demo_plan):
    readiness = check_readiness(demo_plan)
    assert [(r.rule.key, r.problems) for r in readiness.failed] == []
    assert readiness.level == GREEN and readiness.can_submit


@pytest.mark.parametrize("rule_key, level, breaker", CASES, ids=[c[2].__name__ for c in CASES])
def test_a_failing_condition_turns_its_rule_and_is_fixed_again(demo_plan, rule_key, level, breaker):
    # The rules read the objects in memory; nothing here is meant to reach the database.
    db.session.autoflush = False
    restore = breaker(demo_plan)
    readiness = check_readiness(demo_plan)
    result = readiness.result(rule_key)
    assert result.level == level, result.problems
    assert result.problems and all(isinstance(p, str) and p for p in result.problems)
    assert readiness.level == level
    assert readiness.can_submit is (level != RED)

    restore()
    fixed = check_readiness(demo_plan)
    assert fixed.result(rule_key).level == GREEN
    assert fixed.level == GREEN


def test_a_new_blank_risk_is_named_as_its_step_heads_it(demo_plan):
    demo_plan.risks.append(Risk(position=9, description="Floods", likelihood=Level.LOW))
    number = len(demo_plan.risks)
    problems = check_readiness(demo_plan).result("risks").problems
    assert problems == [f"Risk {number} needs likelihood, impact, mitigation and an owner."]
    assert problems[0].field == f"risks-{number - 1}-impact"


def test_problems_name_items_as_the_steps_do_and_link_to_the_exact_field(demo_plan, pk_officer, sign_in):
    item = demo_plan.objectives[-1]
    output = item.outputs[-1]
    output.statement = ""
    output.carried_on_by = ""
    output.indicators[0].source_of_verification = ""
    activity = demo_plan.outputs[-1].activities[-1]
    activity.lead_agency = None
    demo_plan.risks[-1].owner = ""
    demo_plan.objectives[0].rationale = ""
    demo_plan.lessons[-1].how_applied = ""
    demo_plan.summary = ""
    db.session.commit()

    readiness = check_readiness(demo_plan)
    problems = [(result.rule.step, problem) for result in readiness.results for problem in result.problems]
    texts = " ".join(problems for _, problems in problems)
    code = f"{item.objective.number}.{output.position}"
    assert f"Output {code} has no statement." in texts
    assert f"Indicator {code}.1 lacks: source of verification." in texts
    assert f"Activity {code}.{len(output.activities)} needs a lead agency." in texts
    assert f"Say who carries Output {code} on after the project." in texts
    assert "“" not in texts.replace(f"“{demo_plan.lessons[-1].recommendation.label}”", "")

    officer = sign_in(pk_officer)
    check = officer.get(f"/workplans/{demo_plan.id}/steps/check").get_data(as_text=True)
    pages = {}
    for step, problem in problems:
        assert problem.field, problem
        assert f'href="/workplans/{demo_plan.id}/steps/{step}#{problem.field}"' in check
        if step not in pages:
            pages[step] = officer.get(f"/workplans/{demo_plan.id}/steps/{step}").get_data(as_text=True)
        assert f'id="{problem.field}"' in pages[step], (step, problem, problem.field)


def test_rules_with_nothing_to_check_yet_are_not_shown_as_ready(pk_officer, sign_in):
    plan = factories.make_workplan("PK", "Early draft")
    db.session.commit()
    readiness = check_readiness(plan)
    for key in (
        "activity_details",
        "output_indicators",
        "budget",
        "capacity_follow_up",
        "carried_on",
        "lessons_linked",
    ):
        assert readiness.result(key).level == NOTHING, key
    page = sign_in(pk_officer).get(f"/workplans/{plan.id}/steps/check").get_data(as_text=True)
    assert "Nothing to check yet:</strong> Every activity has a quarter" in page
    assert "Ready:</strong> Every activity has" not in page
    assert readiness.level == RED and not readiness.can_submit


def test_every_fix_link_of_every_rule_lands_on_a_field_of_its_step(demo_plan, pk_officer, sign_in):
    db.session.autoflush = False
    targets = set()
    for _, _, breaker in CASES:
        restore = breaker(demo_plan)
        for result in check_readiness(demo_plan).failed:
            targets.update((result.rule.step, problem.field) for problem in result.problems if problem.field)
        restore()
    db.session.rollback()
    db.session.autoflush = True
    # Rules that have a place to point at do; only "choose lessons" and "name a risk" have no field yet.
    assert len(targets) >= 20
    officer = sign_in(pk_officer)
    pages = {}
    for step, field_id in sorted(targets):
        if step not in pages:
            pages[step] = officer.get(f"/workplans/{demo_plan.id}/steps/{step}").get_data(as_text=True)
        assert f'id="{field_id}"' in pages[step], (step, field_id)
