"""A country workplan and everything it contains."""

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, ForeignKey, Numeric, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.catalogue.models import Country, Objective, Partner, Recommendation
from app.db import UTCDateTime, created_at, enum_column, int_pk, long_text, utcnow
from app.extensions import db


class WorkplanStatus(enum.StrEnum):
    """Where a workplan stands in the review workflow."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return {
            "draft": "Draft",
            "submitted": "Under review",
            "changes_requested": "Changes requested",
            "approved": "Approved",
        }[self.value]

    @property
    def is_editable_by_officer(self) -> bool:
        return self in (WorkplanStatus.DRAFT, WorkplanStatus.CHANGES_REQUESTED)


class LeadAgency(enum.StrEnum):
    """The implementing agency that leads an activity."""

    UNODC = "UNODC"
    IOM = "IOM"
    UNICEF = "UNICEF"


class Level(enum.StrEnum):
    """Likelihood or impact of a risk."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Workplan(db.Model):
    """A country's workplan for a period, drafted by officers and reviewed by HQ."""

    __tablename__ = "workplans"

    id: Mapped[int_pk]
    country_id: Mapped[int] = mapped_column(ForeignKey("countries.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[int]
    period_end: Mapped[int]
    status: Mapped[WorkplanStatus] = mapped_column(enum_column(WorkplanStatus), default=WorkplanStatus.DRAFT)
    # How many times an approved plan was reopened (Revise). Pages speak of revisions only ("Revision 3").
    version: Mapped[int] = mapped_column(default=1)
    # Bumped on every save; a form carries it so a stale tab cannot overwrite newer text.
    lock_version: Mapped[int] = mapped_column(default=1)
    lead_officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source_workplan_id: Mapped[int | None] = mapped_column(ForeignKey("workplans.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The revision HQ approved: approval always names the exact snapshot it approves.
    approved_revision_number: Mapped[int | None]
    # Narrative fields the officer marked sensitive: left out of donor and public exports.
    sensitive_fields: Mapped[list[str]] = mapped_column(JSON, default=list)

    summary: Mapped[long_text]
    context_situation: Mapped[long_text]
    context_legal: Mapped[long_text]
    context_gaps: Mapped[long_text]
    priorities: Mapped[long_text]
    toc_if: Mapped[long_text]
    toc_and_if: Mapped[long_text]
    toc_then: Mapped[long_text]
    toc_because: Mapped[long_text]
    partnerships: Mapped[long_text]
    ownership: Mapped[long_text]
    mel: Mapped[long_text]
    reporting_calendar: Mapped[long_text]
    sustainability: Mapped[long_text]

    country: Mapped[Country] = relationship()
    lead_officer: Mapped[User | None] = relationship(foreign_keys=[lead_officer_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    source_workplan: Mapped["Workplan | None"] = relationship(remote_side="Workplan.id")
    objectives: Mapped[list["WorkplanObjective"]] = relationship(
        back_populates="workplan", cascade="all, delete-orphan", order_by="WorkplanObjective.priority"
    )
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="workplan", cascade="all, delete-orphan", order_by="Lesson.id"
    )
    risks: Mapped[list["Risk"]] = relationship(
        back_populates="workplan", cascade="all, delete-orphan", order_by="Risk.position"
    )

    # SQLAlchemy adds "AND lock_version = :old" to every UPDATE, catching concurrent saves.
    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def years(self) -> list[int]:
        return list(range(self.period_start, self.period_end + 1))

    @property
    def outputs(self) -> list["Output"]:
        return [output for objective in self.objectives for output in objective.outputs]

    @property
    def activities(self) -> list["Activity"]:
        return [activity for output in self.outputs for activity in output.activities]

    @property
    def period_label(self) -> str:
        return f"{self.period_start}–{self.period_end}"

    def __repr__(self) -> str:
        return f"<Workplan {self.id} {self.title!r}>"


class WorkplanObjective(db.Model):
    """A GLO.ACT objective chosen for a plan, with its rank, rationale and outcome."""

    __tablename__ = "workplan_objectives"
    __table_args__ = (UniqueConstraint("workplan_id", "objective_id"),)

    id: Mapped[int_pk]
    workplan_id: Mapped[int] = mapped_column(ForeignKey("workplans.id", ondelete="CASCADE"), index=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("objectives.id"))
    priority: Mapped[int] = mapped_column(default=1)
    rationale: Mapped[long_text]
    outcome: Mapped[long_text]

    workplan: Mapped[Workplan] = relationship(back_populates="objectives")
    objective: Mapped[Objective] = relationship()
    outputs: Mapped[list["Output"]] = relationship(
        back_populates="workplan_objective", cascade="all, delete-orphan", order_by="Output.position"
    )


lesson_outputs = Table(
    "lesson_outputs",
    db.metadata,
    Column("lesson_id", ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True),
    Column("output_id", ForeignKey("outputs.id", ondelete="CASCADE"), primary_key=True),
)

lesson_activities = Table(
    "lesson_activities",
    db.metadata,
    Column("lesson_id", ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True),
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
)

activity_partners = Table(
    "activity_partners",
    db.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("partner_id", ForeignKey("partners.id"), primary_key=True),
)


class Output(db.Model):
    """An output under a chosen objective."""

    __tablename__ = "outputs"

    id: Mapped[int_pk]
    workplan_objective_id: Mapped[int] = mapped_column(
        ForeignKey("workplan_objectives.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=1)
    statement: Mapped[long_text]
    # Sustainability and exit: who carries this output on after the project.
    carried_on_by: Mapped[long_text]

    workplan_objective: Mapped[WorkplanObjective] = relationship(back_populates="outputs")
    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="output", cascade="all, delete-orphan", order_by="Indicator.position"
    )
    activities: Mapped[list["Activity"]] = relationship(
        back_populates="output", cascade="all, delete-orphan", order_by="Activity.position"
    )
    lessons: Mapped[list["Lesson"]] = relationship(secondary=lesson_outputs, back_populates="outputs")

    @property
    def budget_eur(self) -> Decimal:
        return sum((activity.budget_eur or Decimal(0) for activity in self.activities), Decimal(0))


class Indicator(db.Model):
    """How an output is measured: baseline, target and where the evidence comes from."""

    __tablename__ = "indicators"

    id: Mapped[int_pk]
    output_id: Mapped[int] = mapped_column(ForeignKey("outputs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    description: Mapped[long_text]
    baseline_value: Mapped[str] = mapped_column(String(200), default="")
    baseline_year: Mapped[int | None]
    target_value: Mapped[str] = mapped_column(String(200), default="")
    target_year: Mapped[int | None]
    source_of_verification: Mapped[long_text]
    assumptions: Mapped[long_text]

    output: Mapped[Output] = relationship(back_populates="indicators")


class Activity(db.Model):
    """An activity delivering an output, with its schedule, partners and budget."""

    __tablename__ = "activities"

    id: Mapped[int_pk]
    output_id: Mapped[int] = mapped_column(ForeignKey("outputs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    description: Mapped[long_text]
    lead_agency: Mapped[LeadAgency | None] = mapped_column(enum_column(LeadAgency, length=16))
    location: Mapped[str] = mapped_column(String(200), default="")
    budget_eur: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    is_gender_sensitive: Mapped[bool] = mapped_column(default=False)
    is_human_rights_based: Mapped[bool] = mapped_column(default=False)
    is_child_sensitive: Mapped[bool] = mapped_column(default=False)
    is_capacity_building: Mapped[bool] = mapped_column(default=False)
    # For capacity building: how participants stay connected and counterparts stay committed.
    follow_up: Mapped[long_text]
    # Fields of this activity marked sensitive (e.g. a shelter's location): not in donor or public exports.
    sensitive_fields: Mapped[list[str]] = mapped_column(JSON, default=list)

    output: Mapped[Output] = relationship(back_populates="activities")
    quarters: Mapped[list["ActivityQuarter"]] = relationship(
        back_populates="activity",
        cascade="all, delete-orphan",
        order_by="[ActivityQuarter.year, ActivityQuarter.quarter]",
    )
    partners: Mapped[list[Partner]] = relationship(secondary=activity_partners, order_by=Partner.name)
    lessons: Mapped[list["Lesson"]] = relationship(secondary=lesson_activities, back_populates="activities")

    @property
    def quarter_keys(self) -> set[str]:
        return {quarter.key for quarter in self.quarters}


class ActivityQuarter(db.Model):
    """One quarter of the plan period in which an activity takes place."""

    __tablename__ = "activity_quarters"

    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[int] = mapped_column(primary_key=True)

    activity: Mapped[Activity] = relationship(back_populates="quarters")

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.quarter}"


class Lesson(db.Model):
    """A Community of Practice recommendation chosen for a plan, and how it is applied."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("workplan_id", "recommendation_id"),)

    id: Mapped[int_pk]
    workplan_id: Mapped[int] = mapped_column(ForeignKey("workplans.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"))
    how_applied: Mapped[long_text]

    workplan: Mapped[Workplan] = relationship(back_populates="lessons")
    recommendation: Mapped[Recommendation] = relationship()
    outputs: Mapped[list[Output]] = relationship(secondary=lesson_outputs, back_populates="lessons")
    activities: Mapped[list[Activity]] = relationship(secondary=lesson_activities, back_populates="lessons")


class Risk(db.Model):
    """A risk to the plan, how likely and harmful it is, and how it is mitigated."""

    __tablename__ = "risks"

    id: Mapped[int_pk]
    workplan_id: Mapped[int] = mapped_column(ForeignKey("workplans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    description: Mapped[long_text]
    likelihood: Mapped[Level | None] = mapped_column(enum_column(Level, length=16, name="likelihood"))
    impact: Mapped[Level | None] = mapped_column(enum_column(Level, length=16, name="impact"))
    mitigation: Mapped[long_text]
    owner: Mapped[str] = mapped_column(String(200), default="")

    workplan: Mapped[Workplan] = relationship(back_populates="risks")
