"""The command-line tools: `flask create-user` and `flask seed` (with and without demo data)."""

import re

from sqlalchemy import func, select

from app import create_app
from app.auth.models import Role, User
from app.auth.passwords import verify_password
from app.catalogue.models import Country
from app.extensions import db
from app.workplans.models import Workplan

PASSWORD = "ask me for a better one"


def find_user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def row_counts() -> dict[str, int]:
    """The number of rows in every table."""
    tables = db.metadata.sorted_tables
    return {table.name: db.session.scalar(select(func.count()).select_from(table)) for table in tables}


def test_create_user_with_several_countries(app, catalogue):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--email",
            "Layla.Hassan@example.org",
            "--role",
            "officer",
            "--name",
            "Layla Hassan",
            "--country",
            "IQ",
            "--country",
            "af",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created National project officer layla.hassan@example.org." in result.output
    assert "Initial password" not in result.output
    user = find_user("layla.hassan@example.org")
    assert user.name == "Layla Hassan" and user.role == Role.OFFICER
    assert [country.code for country in user.countries] == ["AF", "IQ"]
    assert user.password_hash.startswith("$argon2id$") and verify_password(user.password_hash, PASSWORD)


def test_create_user_with_an_unknown_country_fails_clearly(app, catalogue):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--email",
            "x@example.org",
            "--role",
            "officer",
            "--country",
            "IQ",
            "--country",
            "XX",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code != 0
    assert "Unknown country code: XX." in result.output
    assert count(User) == 0


def test_create_user_without_a_password_prints_a_generated_one(app, catalogue):
    result = app.test_cli_runner().invoke(args=["create-user", "--email", "hq@example.org", "--role", "hq"])
    assert result.exit_code == 0, result.output
    (password,) = re.findall(r"Initial password: (\S+)", result.output)
    assert len(password) >= 20
    user = find_user("hq@example.org")
    assert user.role == Role.HQ and verify_password(user.password_hash, password)


def test_create_user_refuses_a_taken_email_and_a_weak_password(app, catalogue):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["create-user", "--email", "hq@example.org", "--role", "hq"]).exit_code == 0
    taken = runner.invoke(args=["create-user", "--email", "HQ@example.org", "--role", "admin", "--password", PASSWORD])
    weak = runner.invoke(args=["create-user", "--email", "new@example.org", "--role", "hq", "--password", "short"])
    assert taken.exit_code != 0 and "already exists" in taken.output
    assert weak.exit_code != 0 and "at least 12 characters" in weak.output
    assert count(User) == 1 and find_user("hq@example.org").role == Role.HQ


def test_seed_twice_reports_up_to_date_the_second_time(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "Catalogue: created" in first.output
    after_first = row_counts()
    assert after_first["countries"] == 17 and after_first["users"] == 0

    second = runner.invoke(args=["seed"])

    assert second.exit_code == 0, second.output
    assert "Catalogue is up to date." in second.output
    assert row_counts() == after_first


def test_seed_with_demo_on_an_empty_database_then_again(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "--with-demo"])
    assert first.exit_code == 0, first.output
    assert "Demo accounts created:" in first.output
    assert count(User) == 7
    roles = db.session.scalars(select(User.role)).all()
    assert sorted(roles) == sorted([Role.HQ, Role.ADMIN] + [Role.OFFICER] * 5)
    (workplan,) = db.session.scalars(select(Workplan)).all()
    assert workplan.country.code == "PK" and workplan.lead_officer.email == "officer.pk@example.org"
    after_first = row_counts()

    second = runner.invoke(args=["seed", "--with-demo"])

    assert second.exit_code == 0, second.output
    assert "Catalogue is up to date." in second.output
    assert "Accounts exist already; no demo data added." in second.output
    assert row_counts() == after_first


def test_seed_with_demo_refuses_where_demo_data_is_not_allowed(app, database_settings):
    production_like = create_app("testing", **database_settings, ALLOW_DEMO_DATA=False)
    with production_like.app_context():
        result = production_like.test_cli_runner().invoke(args=["seed", "--with-demo"])
        db.session.remove()
        db.engine.dispose()
    assert result.exit_code != 0
    assert "Demo data is never created with this configuration." in result.output
    db.session.expire_all()
    assert count(User) == 0 and count(Workplan) == 0 and count(Country) == 0
