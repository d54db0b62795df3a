"""The load test's data: one officer per simulated user, each with a full copy of the demo plan."""

from sqlalchemy import select

from app.auth.models import Role
from app.auth.services import countries_by_code, create_user
from app.extensions import db
from app.workplans.models import Workplan
from app.workplans.services import create_workplan

COUNTRIES = ("PK", "AF", "IR", "IQ", "BD")
PASSWORD = "load-test-officer-password"


def build_accounts(users: int) -> list[dict]:
    """Create the officers and their plans (flushes, never commits); return each one's login and plan id."""
    demo = db.session.scalar(select(Workplan).order_by(Workplan.id))
    accounts = []
    for number in range(1, users + 1):
        (country,) = countries_by_code([COUNTRIES[number % len(COUNTRIES)]])
        officer = create_user(
            f"load{number:03d}@example.org", f"Load officer {number}", Role.OFFICER, PASSWORD, [country]
        )
        plan = create_workplan(officer, country, f"Load plan {number}", demo.period_start, demo.period_end, source=demo)
        accounts.append({"email": officer.email, "password": PASSWORD, "plan_id": plan.id})
    return accounts
