"""Workplan operations: start a plan, copy one, save a step. They flush, never commit."""

from decimal import Decimal

from sqlalchemy.orm.exc import StaleDataError

from app.audit import record_event
from app.auth.models import User
from app.catalogue.models import Country
from app.db import utcnow
from app.errors import NotAllowed, StaleEdit
from app.extensions import db
from app.permissions import can_create_workplan_for
from app.plan_sections import NARRATIVE_FIELDS
from app.workplans.context import StepContext
from app.workplans.models import (
    Activity,
    ActivityQuarter,
    Indicator,
    Lesson,
    Output,
    Risk,
    Workplan,
    WorkplanObjective,
)
from app.workplans.step_data import ACTIVITY_FLAGS, ACTIVITY_TEXT_FIELDS, INDICATOR_FIELDS, RISK_FIELDS


def create_workplan(
    user: User,
    country: Country,
    title: str,
    period_start: int,
    period_end: int,
    source: Workplan | None = None,
    ip_address: str | None = "",
) -> Workplan:
    """Start a draft plan for one of the user's countries, blank or copied from a source plan.

    Raises NotAllowed when the user does not serve the country.
    """
    if not can_create_workplan_for(user, country.id):
        raise NotAllowed("You can only start plans for the countries you serve.")
    workplan = Workplan(
        country=country, title=title.strip(), period_start=period_start, period_end=period_end, lead_officer=user
    )
    db.session.add(workplan)
    if source is not None:
        # Reading the source loads rows; the copy must not be flushed half-built meanwhile.
        with db.session.no_autoflush:
            copy_content(source, workplan)
    db.session.flush()
    record_event(
        "workplan.create",
        actor=user,
        workplan=workplan,
        obj=workplan,
        ip_address=ip_address,
        source_workplan_id=workplan.source_workplan_id,
    )
    return workplan


def copy_content(source: Workplan, target: Workplan) -> None:
    """Copy every section of the source plan into the target; quarters outside its period are dropped."""
    target.source_workplan = source
    for name in NARRATIVE_FIELDS:
        setattr(target, name, getattr(source, name))
    target.sensitive_fields = list(source.sensitive_fields or [])
    lessons = {}
    for lesson in source.lessons:
        lessons[lesson.id] = Lesson(recommendation=lesson.recommendation, how_applied=lesson.how_applied)
        target.lessons.append(lessons[lesson.id])
    allowed_years = set(range(target.period_start, target.period_end + 1))
    for item in source.objectives:
        copy = WorkplanObjective(
            objective=item.objective, priority=item.priority, rationale=item.rationale, outcome=item.outcome
        )
        target.objectives.append(copy)
        for output in item.outputs:
            new_output = Output(
                position=output.position, statement=output.statement, carried_on_by=output.carried_on_by
            )
            new_output.lessons = [lessons[lesson.id] for lesson in output.lessons]
            new_output.indicators = [
                Indicator(position=i.position, **{name: getattr(i, name) for name in INDICATOR_FIELDS})
                for i in output.indicators
            ]
            for activity in output.activities:
                new_output.activities.append(_copy_activity(activity, lessons, allowed_years))
            copy.outputs.append(new_output)
    target.risks = [
        Risk(
            position=risk.position,
            likelihood=risk.likelihood,
            impact=risk.impact,
            **{n: getattr(risk, n) for n in RISK_FIELDS},
        )
        for risk in source.risks
    ]


def _copy_activity(activity: Activity, lessons: dict, allowed_years: set[int]) -> Activity:
    copy = Activity(
        position=activity.position,
        lead_agency=activity.lead_agency,
        budget_eur=Decimal(activity.budget_eur) if activity.budget_eur is not None else None,
        **{name: getattr(activity, name) for name in ACTIVITY_TEXT_FIELDS + ACTIVITY_FLAGS},
    )
    copy.sensitive_fields = list(activity.sensitive_fields or [])
    copy.partners = list(activity.partners)
    copy.lessons = [lessons[lesson.id] for lesson in activity.lessons]
    copy.quarters = [
        ActivityQuarter(year=q.year, quarter=q.quarter) for q in activity.quarters if q.year in allowed_years
    ]
    return copy


def save_step(workplan: Workplan, step, data: dict, ctx: StepContext, expected_lock_version: int | None) -> None:
    """Write one step's data to the plan.

    Raises StaleEdit when the plan was saved since the form was loaded, and RefusedChange
    when the data cannot be applied (the caller rolls back).
    """
    if expected_lock_version != workplan.lock_version:
        raise StaleEdit("This plan was saved by someone else since you opened this page.", workplan.lock_version)
    step.write(workplan, data, ctx)
    # Touching the row makes SQLAlchemy bump lock_version even when only child rows changed.
    workplan.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError as error:
        raise StaleEdit("This plan was saved by someone else at the same moment.", workplan.lock_version) from error
    record_event(
        "workplan.save_step", actor=ctx.user, workplan=workplan, obj=workplan, ip_address=ctx.ip_address, step=step.key
    )
