"""Template databases: migrated (with the triggers only migrations create) and seeded once per test process.

Each test then gets a fresh database cheaply: on SQLite a copy of the template file, on PostgreSQL
the process's own schema emptied and refilled with the catalogue rows kept beside it.
"""

import shutil
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine

from app import create_app
from app.catalogue.seeding import seed_catalogue
from app.extensions import db


def build(settings: dict, seeded: bool) -> None:
    """Migrate the database of these settings to head, and load the catalogue when seeded."""
    app = create_app("testing", **settings)
    with app.app_context():
        try:
            upgrade()
            if seeded:
                seed_catalogue()
                db.session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()


def postgres_settings(url: str, schema: str) -> dict:
    """App settings for one schema of the PostgreSQL database at url."""
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}},
    }


class SqliteTemplates:
    """Two template files, migrated and migrated-and-seeded, copied for each test."""

    def __init__(self, folder: Path):
        self.files = {False: folder / "migrated.db", True: folder / "seeded.db"}
        for seeded, path in self.files.items():
            build({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}, seeded)
            # The last connection to close checkpoints the WAL: the file alone is the database.
            assert not Path(f"{path}-wal").exists(), "the template's write-ahead log was not checkpointed"

    def copy(self, target: Path, seeded: bool) -> Path:
        """Write a fresh database to target and return its path."""
        shutil.copyfile(self.files[seeded], target)
        return target


class PostgresTemplate:
    """A schema of this process's own, migrated and seeded once, restored before each test.

    The catalogue rows are copied to a second schema after seeding. A restore empties every table
    (DELETE, which costs a few milliseconds where TRUNCATE costs hundreds), copies those rows back
    and sets each sequence where the template left it, in one round trip. The append-only trigger
    of the audit log is switched off for that transaction only.
    """

    def __init__(self, url: str, schema: str):
        self.schema, self.rows_schema = schema, f"{schema}_rows"
        self.settings = postgres_settings(url, schema)
        self.engine = create_engine(url, **self.settings["SQLALCHEMY_ENGINE_OPTIONS"])
        self.drop()
        with self.engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
            connection.exec_driver_sql(f"CREATE SCHEMA {self.rows_schema}")
        build(self.settings, seeded=True)
        self.scripts = self._restore_scripts()

    def _restore_scripts(self) -> dict[bool, str]:
        tables = [table.name for table in db.metadata.sorted_tables]
        with self.engine.begin() as connection:
            seeded = [
                name for name in tables if connection.exec_driver_sql(f'SELECT EXISTS (SELECT FROM "{name}")').scalar()
            ]
            for name in seeded:
                connection.exec_driver_sql(f'CREATE TABLE {self.rows_schema}."{name}" AS SELECT * FROM "{name}"')
            sequences = connection.exec_driver_sql(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s", (self.schema,)
            ).all()
            guarded = connection.exec_driver_sql(
                "SELECT DISTINCT relname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid "
                "WHERE relnamespace = %s::regnamespace AND NOT tgisinternal",
                (self.schema,),
            ).scalars()
            guarded = sorted(guarded)
        empty = "".join(f'ALTER TABLE "{name}" DISABLE TRIGGER USER;' for name in guarded)
        empty += "".join(f'DELETE FROM "{name}";' for name in reversed(tables))
        empty += "".join(f'ALTER TABLE "{name}" ENABLE TRIGGER USER;' for name in guarded)
        refill = "".join(f'INSERT INTO "{name}" SELECT * FROM {self.rows_schema}."{name}";' for name in seeded)

        def restart(values: dict) -> str:
            calls = [
                f"setval('\"{name}\"', {values.get(name) or 1}, {'true' if values.get(name) else 'false'})"
                for name, _ in sequences
            ]
            return "SELECT " + ", ".join(calls) + ";"

        return {False: empty + restart({}), True: empty + refill + restart(dict(sequences))}

    def restore(self, seeded: bool) -> dict:
        """Bring the schema back to the migrated template, with or without the catalogue; return app settings."""
        with self.engine.begin() as connection:
            connection.exec_driver_sql(self.scripts[seeded])
        return self.settings

    def drop(self) -> None:
        """Drop both schemas."""
        with self.engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {self.rows_schema} CASCADE")
