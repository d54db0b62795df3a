"""Demo accounts and one complete demo workplan, for a brand-new development database."""

from decimal import Decimal

import yaml
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.auth.services import countries_by_code, create_user
from app.catalogue.models import Country, Objective, Partner, Recommendation
from app.catalogue.seeding import SEEDS_DIR
from app.extensions import db
from app.plan_sections import MARKERS, NARRATIVE_FIELDS
from app.workplans.models import (
    Activity,
    ActivityQuarter,
    Indicator,
    LeadAgency,
    Lesson,
    Level,
    Output,
    Risk,
    Workplan,
    WorkplanObjective,
)
from app.workplans.step_data import INDICATOR_FIELDS


def database_is_new() -> bool:
    """Return whether no account exists yet."""
    return not db.session.scalar(select(func.count(User.id)))


def create_demo_data(password: str) -> list[User]:
    """Create the demo accounts and workplan from seeds/demo.yaml; flushes, never commits."""
    data = yaml.safe_load((SEEDS_DIR / "demo.yaml").read_text(encoding="utf-8"))
    users = {}
    for item in data["users"]:
        users[item["email"]] = create_user(
            email=item["email"],
            name=item["name"],
            role=Role(item["role"]),
            password=password,
            countries=countries_by_code(item.get("countries", [])),
        )
    build_workplan(data["workplan"], users)
    return list(users.values())


def build_workplan(plan: dict, users: dict[str, User]) -> Workplan:
    """Build a workplan and all its parts from a demo mapping."""
    country = db.session.scalar(select(Country).where(Country.code == plan["country"]))
    workplan = Workplan(
        country=country,
        title=plan["title"],
        period_start=plan["period_start"],
        period_end=plan["period_end"],
        lead_officer=users.get(plan.get("lead_officer")),
        **{name: plan.get(name, "").strip() for name in NARRATIVE_FIELDS},
    )
    db.session.add(workplan)
    lessons = {}
    for item in plan.get("lessons", []):
        recommendation = db.session.scalar(select(Recommendation).where(Recommendation.code == item["recommendation"]))
        lessons[item["recommendation"]] = Lesson(recommendation=recommendation, how_applied=item["how_applied"].strip())
        workplan.lessons.append(lessons[item["recommendation"]])
    partners = {partner.name: partner for partner in db.session.scalars(select(Partner))}
    for priority, item in enumerate(plan["objectives"], start=1):
        objective = db.session.scalar(select(Objective).where(Objective.code == item["code"]))
        chosen = WorkplanObjective(
            objective=objective, priority=priority, rationale=item["rationale"].strip(), outcome=item["outcome"].strip()
        )
        workplan.objectives.append(chosen)
        for position, output_item in enumerate(item["outputs"], start=1):
            chosen.outputs.append(_build_output(output_item, position, lessons, partners))
    for position, item in enumerate(plan.get("risks", []), start=1):
        workplan.risks.append(
            Risk(
                position=position,
                description=item["description"].strip(),
                likelihood=Level(item["likelihood"]),
                impact=Level(item["impact"]),
                mitigation=item["mitigation"].strip(),
                owner=item["owner"],
            )
        )
    db.session.flush()
    return workplan


def _build_output(item: dict, position: int, lessons: dict, partners: dict) -> Output:
    output = Output(position=position, statement=item["statement"].strip(), carried_on_by=item.get("carried_on_by", ""))
    output.lessons = [lessons[code] for code in item.get("lessons", [])]
    for number, indicator in enumerate(item.get("indicators", []), start=1):
        output.indicators.append(Indicator(position=number, **{name: indicator[name] for name in INDICATOR_FIELDS}))
    for number, activity_item in enumerate(item.get("activities", []), start=1):
        activity = Activity(
            position=number,
            description=activity_item["description"].strip(),
            lead_agency=LeadAgency(activity_item["lead_agency"]),
            location=activity_item.get("location", ""),
            budget_eur=Decimal(str(activity_item["budget_eur"])),
            is_capacity_building=bool(activity_item.get("capacity_building")),
            follow_up=(activity_item.get("follow_up") or "").strip(),
            partners=[partners[name] for name in activity_item.get("partners", [])],
            lessons=[lessons[code] for code in activity_item.get("lessons", [])],
        )
        for marker in activity_item.get("markers", []):
            setattr(activity, dict(MARKERS)[marker], True)
        for key in activity_item.get("quarters", []):
            year, quarter = key.split("-Q")
            activity.quarters.append(ActivityQuarter(year=int(year), quarter=int(quarter)))
        output.activities.append(activity)
    return output
