"""Queries for the HQ review queue and dashboard, each in a fixed number of statements."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from app.catalogue.models import Country, Objective, Phase, Recommendation, Theme
from app.extensions import db
from app.review.labels import standing_label
from app.review.models import Revision
from app.review.queries import (
    ReviewNote,
    current_notes,
    latest_notes,
    latest_revision_numbers,
    open_blocking_counts,
)
from app.workplans.models import Activity, Lesson, Output, Workplan, WorkplanObjective, WorkplanStatus
from app.workplans.queries import full_plan_options
from app.workplans.readiness import AMBER, GREEN, RED, check_readiness

CENT = Decimal("0.01")
READINESS_WORDS = {
    GREEN: "Ready",
    AMBER: "Ready, with points to check",
    RED: "Not ready: red items",
}


@dataclass(frozen=True)
class QueueRow:
    """A plan waiting for HQ: who sent it, when, and how it stands."""

    workplan_id: int
    country: str
    title: str
    revision: int
    submitted_at: datetime | None
    days_waiting: int | None
    readiness_level: str
    readiness_words: str
    open_blocking: int
    notes: list[ReviewNote] = field(default_factory=list)

    @property
    def has_earlier_revision(self) -> bool:
        return self.revision > 1

    @property
    def waiting_label(self) -> str:
        if self.days_waiting is None:
            return "—"
        return f"{self.days_waiting} day" if self.days_waiting == 1 else f"{self.days_waiting} days"


@dataclass(frozen=True)
class SentBackRow:
    """A plan HQ sent back, waiting for its officers."""

    workplan_id: int
    country: str
    title: str
    revision: int
    open_blocking: int
    updated_at: datetime
    notes: list[ReviewNote] = field(default_factory=list)


@dataclass(frozen=True)
class ReviewQueue:
    """The plans waiting for HQ (oldest submission first) and those waiting for officers."""

    waiting: list[QueueRow]
    sent_back: list[SentBackRow]


def review_queue(now: datetime) -> ReviewQueue:
    """Load the queue in a fixed number of statements; `now` is an aware UTC time.

    Readiness needs whole plans: they come through `full_plan_options()`, whose selectin loads
    batch up to 500 parents per statement, so the count stays fixed up to 500 submitted plans
    (or 500 outputs, activities … among them), far above any real queue.
    """
    submitted = (
        db.session.scalars(
            select(Workplan)
            .where(Workplan.status == WorkplanStatus.SUBMITTED)
            .options(*full_plan_options())
            .order_by(Workplan.submitted_at.asc().nulls_last(), Workplan.id)
        )
        .unique()
        .all()
    )
    sent_back = db.session.scalars(
        select(Workplan)
        .where(Workplan.status == WorkplanStatus.CHANGES_REQUESTED)
        .options(joinedload(Workplan.country))
        .order_by(Workplan.updated_at, Workplan.id)
    ).all()
    plan_ids = [plan.id for plan in submitted] + [plan.id for plan in sent_back]
    revisions = latest_revision_numbers(plan_ids)
    blocking = open_blocking_counts(plan_ids)
    notes = latest_notes(plan_ids)

    waiting = []
    for plan in submitted:
        readiness = check_readiness(plan).level
        waiting.append(
            QueueRow(
                workplan_id=plan.id,
                country=plan.country.name,
                title=plan.title,
                revision=revisions.get(plan.id, 0),
                submitted_at=plan.submitted_at,
                days_waiting=max((now - plan.submitted_at).days, 0) if plan.submitted_at else None,
                readiness_level=readiness,
                readiness_words=READINESS_WORDS[readiness],
                open_blocking=blocking.get(plan.id, 0),
                notes=current_notes(plan, notes.get(plan.id, {})),
            )
        )
    back = [
        SentBackRow(
            plan.id,
            plan.country.name,
            plan.title,
            revisions.get(plan.id, 0),
            blocking.get(plan.id, 0),
            plan.updated_at,
            current_notes(plan, notes.get(plan.id, {})),
        )
        for plan in sent_back
    ]
    return ReviewQueue(waiting, back)


@dataclass(frozen=True)
class CountryStatus:
    """A country and its current plan, if it has one."""

    country_id: int
    country_code: str
    country_name: str
    workplan_id: int | None = None
    title: str = ""
    period_label: str = ""
    status: WorkplanStatus | None = None
    version: int | None = None
    revision: int | None = None
    updated_at: datetime | None = None
    approved_revision: int | None = None

    @property
    def has_plan(self) -> bool:
        return self.workplan_id is not None

    @property
    def standing(self) -> str:
        return standing_label(self.status, self.revision, self.approved_revision) if self.has_plan else ""


@dataclass(frozen=True)
class ObjectiveColumn:
    """One of the six objectives, as a column of the matrix."""

    number: int
    title: str


@dataclass(frozen=True)
class MatrixRow:
    """A country's current plan across the objectives: a budget per chosen objective, None where not chosen."""

    country: CountryStatus
    cells: list[Decimal | None]

    @property
    def total(self) -> Decimal | None:
        chosen = [cell for cell in self.cells if cell is not None]
        return sum(chosen, Decimal(0)) if chosen else None


@dataclass(frozen=True)
class ThemeCoverage:
    """A Community of Practice theme and the countries whose current plans apply a lesson of it."""

    title: str
    country_codes: list[str]

    @property
    def count(self) -> int:
        return len(self.country_codes)


@dataclass(frozen=True)
class Dashboard:
    """Everything the HQ dashboard shows."""

    countries: list[CountryStatus]
    objectives: list[ObjectiveColumn]
    matrix: list[MatrixRow]
    column_totals: list[Decimal]
    grand_total: Decimal
    themes: list[ThemeCoverage]
    countries_with_plan: int
    status_counts: list[tuple[WorkplanStatus, int]]

    @property
    def total_plans(self) -> int:
        return sum(count for _, count in self.status_counts)


def current_plan_ids():
    """A select of each country's current plan id.

    A country's current plan is the one with the latest period end; among plans ending the
    same year, the one changed most recently (then the highest id, so there is always one).
    """
    rank = func.row_number().over(
        partition_by=Workplan.country_id,
        order_by=(Workplan.period_end.desc(), Workplan.updated_at.desc(), Workplan.id.desc()),
    )
    ranked = select(Workplan.id.label("workplan_id"), rank.label("rank")).subquery()
    return select(ranked.c.workplan_id).where(ranked.c.rank == 1)


def hq_dashboard() -> Dashboard:
    """Load the dashboard in six statements, however many countries and plans there are."""
    countries = _country_statuses()
    plan_ids = [row.workplan_id for row in countries if row.has_plan]
    objectives = db.session.scalars(select(Objective).order_by(Objective.number)).all()
    budgets = _objective_budgets(plan_ids)

    matrix = [
        MatrixRow(row, [budgets.get((row.workplan_id, objective.id)) for objective in objectives]) for row in countries
    ]
    column_totals = [
        sum((row.cells[index] for row in matrix if row.cells[index] is not None), Decimal(0))
        for index in range(len(objectives))
    ]
    return Dashboard(
        countries=countries,
        objectives=[ObjectiveColumn(objective.number, objective.title) for objective in objectives],
        matrix=matrix,
        column_totals=column_totals,
        grand_total=sum(column_totals, Decimal(0)),
        themes=_lessons_coverage(plan_ids, {row.country_id: row.country_code for row in countries}),
        countries_with_plan=len(plan_ids),
        status_counts=_status_counts(),
    )


def _country_statuses() -> list[CountryStatus]:
    """Every country with a plan, and the Asia and Middle East partners even without one, by name."""
    latest_revision = (
        select(Revision.workplan_id, func.max(Revision.number).label("number"))
        .group_by(Revision.workplan_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Country.id,
            Country.code,
            Country.name,
            Workplan.id,
            Workplan.title,
            Workplan.period_start,
            Workplan.period_end,
            Workplan.status,
            Workplan.version,
            Workplan.updated_at,
            latest_revision.c.number,
            Workplan.approved_revision_number,
        )
        .select_from(Country)
        .outerjoin(Workplan, and_(Workplan.country_id == Country.id, Workplan.id.in_(current_plan_ids())))
        .outerjoin(latest_revision, latest_revision.c.workplan_id == Workplan.id)
        .where(or_(Country.phase == Phase.ASIA_MIDDLE_EAST, Workplan.id.is_not(None)))
        .order_by(Country.name)
    )
    statuses = []
    for country_id, code, name, plan_id, title, start, end, status, version, updated_at, revision, approved in rows:
        if plan_id is None:
            statuses.append(CountryStatus(country_id, code, name))
        else:
            statuses.append(
                CountryStatus(
                    country_id,
                    code,
                    name,
                    plan_id,
                    title,
                    f"{start}–{end}",
                    status,
                    version,
                    revision,
                    updated_at,
                    approved,
                )
            )
    return statuses


def _objective_budgets(plan_ids: list[int]) -> dict[tuple[int, int], Decimal]:
    """The summed activity budget of each (plan, objective) the plans chose; 0 for a chosen objective without money."""
    rows = db.session.execute(
        select(WorkplanObjective.workplan_id, WorkplanObjective.objective_id, func.sum(Activity.budget_eur))
        .outerjoin(Output, Output.workplan_objective_id == WorkplanObjective.id)
        .outerjoin(Activity, Activity.output_id == Output.id)
        .where(WorkplanObjective.workplan_id.in_(plan_ids))
        .group_by(WorkplanObjective.workplan_id, WorkplanObjective.objective_id)
    )
    return {(plan_id, objective_id): Decimal(total or 0).quantize(CENT) for plan_id, objective_id, total in rows}


def _lessons_coverage(plan_ids: list[int], codes: dict[int, str]) -> list[ThemeCoverage]:
    """For each theme, the countries whose current plan applies at least one of its lessons."""
    themes = db.session.scalars(select(Theme).order_by(Theme.position)).all()
    pairs = db.session.execute(
        select(Recommendation.theme_id, Workplan.country_id)
        .distinct()
        .select_from(Lesson)
        .join(Recommendation, Recommendation.id == Lesson.recommendation_id)
        .join(Workplan, Workplan.id == Lesson.workplan_id)
        .where(Lesson.workplan_id.in_(plan_ids))
    ).all()
    by_theme: dict[int, list[str]] = {}
    for theme_id, country_id in pairs:
        by_theme.setdefault(theme_id, []).append(codes[country_id])
    return [ThemeCoverage(theme.title, sorted(by_theme.get(theme.id, []))) for theme in themes]


def _status_counts() -> list[tuple[WorkplanStatus, int]]:
    """How many plans (all of them, not only current ones) are in each status, in workflow order."""
    counts = dict(db.session.execute(select(Workplan.status, func.count(Workplan.id)).group_by(Workplan.status)).all())
    return [(status, counts.get(status, 0)) for status in WorkplanStatus]
