"""Command-line tools: `flask seed`, `flask create-user`, `flask backup` and `flask restore`."""

import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.auth.models import Role
from app.auth.services import AccountError, countries_by_code, create_user
from app.catalogue.seeding import seed_catalogue
from app.core.backup import BackupError, backup_database, describe, restore_database
from app.demo import create_demo_data, database_is_new
from app.errors import InvalidSeed
from app.extensions import db


@click.command("seed")
@click.option("--with-demo", is_flag=True, help="On a brand-new database, also create demo accounts and a demo plan.")
@with_appcontext
def seed_command(with_demo: bool) -> None:
    """Load the catalogue from seeds/ (safe to run again); optionally add demo data."""
    try:
        report = seed_catalogue()
    except InvalidSeed as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    if report.changed_anything:
        click.echo(f"Catalogue: created {report.created or 'nothing'}, updated {report.updated or 'nothing'}.")
    else:
        click.echo("Catalogue is up to date.")

    if with_demo:
        if not current_app.config.get("ALLOW_DEMO_DATA"):
            db.session.rollback()
            raise click.ClickException("Demo data is never created with this configuration.")
        if database_is_new():
            password = current_app.config["DEMO_PASSWORD"]
            users = create_demo_data(password)
            db.session.commit()
            click.echo("Demo accounts created:")
            _print_logins(users, password)
        else:
            click.echo("Accounts exist already; no demo data added.")
    db.session.commit()


def _print_logins(users, password: str) -> None:
    for user in users:
        countries = ", ".join(country.code for country in user.countries)
        click.echo(f"  {user.role.label:<26} {user.email:<28} {countries}")
    click.echo(f"  Password for every demo account: {password}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--country", "countries", multiple=True, help="ISO code of a country an officer serves; repeatable.")
@click.option("--name", default="", help="Full name; defaults to the e-mail address.")
@click.option("--password", default=None, help="Initial password; a random one is printed when omitted.")
@with_appcontext
def create_user_command(email: str, role: str, countries: tuple[str, ...], name: str, password: str | None) -> None:
    """Create an account."""
    generated = password is None
    password = password or secrets.token_urlsafe(15)
    try:
        user = create_user(
            email=email, name=name, role=Role(role), password=password, countries=countries_by_code(list(countries))
        )
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    if Role(role) == Role.OFFICER and not countries:
        click.echo("Note: this officer serves no country yet; add one with --country or on the admin pages.")
    db.session.commit()
    click.echo(f"Created {user.role.label} {user.email}.")
    if generated:
        click.echo(f"Initial password: {password}")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write a consistent snapshot of the database to FILE; safe while the app is running."""
    try:
        report = backup_database(db.engine, file)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    check = "integrity check ok" if report.dialect == "sqlite" else "archive readable"
    click.echo(f"Backed up {describe(db.engine)} to {report.path} ({report.size:,} bytes; {check}).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm that the backup replaces everything in the configured database.")
@with_appcontext
def restore_command(file: Path, yes: bool) -> None:
    """Replace the configured database's contents with the backup in FILE (needs --yes)."""
    if not yes:
        raise click.ClickException(
            f"Restoring replaces everything in {describe(db.engine)}. Run again with --yes to confirm."
        )
    db.session.remove()
    try:
        restore_database(db.engine, file)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {describe(db.engine)} from {file}.")
