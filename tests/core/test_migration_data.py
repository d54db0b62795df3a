"""Migrations carry existing plans across upgrades and downgrades without losing a row."""

from datetime import UTC, datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import JSON, Boolean, DateTime, Integer, MetaData, Numeric, func, insert, select

from app.extensions import db

CHILD_TABLES = ("workplan_objectives", "outputs", "indicators", "activities", "activity_quarters", "risks")


def _insert(connection, metadata: MetaData, table_name: str, **values) -> int | None:
    """Insert a row at the current schema, filling every required column the test does not care about."""
    table = metadata.tables[table_name]
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.autoincrement is True and column.primary_key:
            continue
        if isinstance(column.type, Boolean):
            row[column.name] = False
        elif isinstance(column.type, (Integer, Numeric)):
            row[column.name] = 1
        elif isinstance(column.type, DateTime):
            row[column.name] = datetime.now(UTC)
        elif isinstance(column.type, JSON):
            row[column.name] = []
        else:
            row[column.name] = ""
    result = connection.execute(insert(table).values(**row))
    return result.inserted_primary_key[0] if result.inserted_primary_key else None


def _counts() -> dict[str, int]:
    metadata = MetaData()
    metadata.reflect(db.engine)
    with db.engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(metadata.tables[name])) for name in CHILD_TABLES
        }


def test_a_plan_written_at_the_first_schema_survives_upgrade_and_downgrade(bare_app):
    upgrade(revision="0001")
    metadata = MetaData()
    metadata.reflect(db.engine)
    with db.engine.begin() as connection:
        country = _insert(connection, metadata, "countries", code="IQ", name="Iraq", phase="asia_middle_east")
        objective = _insert(connection, metadata, "objectives", code="capacity", number=3, title="Capacity")
        plan = _insert(
            connection,
            metadata,
            "workplans",
            country_id=country,
            title="Plan",
            period_start=2026,
            period_end=2027,
            status="draft",
        )
        chosen = _insert(connection, metadata, "workplan_objectives", workplan_id=plan, objective_id=objective)
        output = _insert(connection, metadata, "outputs", workplan_objective_id=chosen, statement="Output")
        _insert(connection, metadata, "indicators", output_id=output, description="Indicator")
        activity = _insert(
            connection,
            metadata,
            "activities",
            output_id=output,
            description="Activity",
            lead_agency="UNODC",
            budget_eur=100,
        )
        _insert(connection, metadata, "activity_quarters", activity_id=activity, year=2026, quarter=1)
        _insert(connection, metadata, "risks", workplan_id=plan, description="Risk")
    before = _counts()
    assert set(before.values()) == {1}

    upgrade()
    assert _counts() == before
    downgrade(revision="0001")
    assert _counts() == before
    upgrade()
    assert _counts() == before
