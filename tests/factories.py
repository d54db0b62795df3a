"""Test data builders that go through the same services as the app."""

from app.auth.models import Role, User
from app.auth.services import countries_by_code, create_user
from app.extensions import db
from app.workplans.models import Workplan

PASSWORD = "correct horse battery staple"


def make_user(email: str, role: str, countries: list[str] = (), password: str = PASSWORD) -> User:
    """Create an account with the test password."""
    return create_user(
        email=email,
        name=email.split("@")[0],
        role=Role(role),
        password=password,
        countries=countries_by_code(list(countries)),
    )


def make_workplan(country_code: str, title: str = "Workplan 2026–2027", **values) -> Workplan:
    """Create a blank draft workplan for a country."""
    (country,) = countries_by_code([country_code])
    workplan = Workplan(country=country, title=title, period_start=2026, period_end=2027, **values)
    db.session.add(workplan)
    db.session.flush()
    return workplan
