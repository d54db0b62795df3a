"""`flask export-pdf`: print a plan to a PDF file from the command line."""

import click
from sqlalchemy import select

from app.export.rendering import RendererBusy, RenderFailed
from app.export.services import (
    InvalidExportOptions,
    RevisionNotFound,
    export_workplan,
    parse_export_options,
    record_export,
)
from app.extensions import db
from app.workplans.models import Workplan
from app.workplans.queries import full_plan_options


@click.command("export-pdf")
@click.argument("workplan_id", type=int)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="Where to write the PDF.",
)
@click.option("--revision", type=int, default=None, help="Print this revision instead of the current text.")
@click.option("--profile", default="internal", type=click.Choice(["internal", "donor", "public"]), show_default=True)
@click.option("--no-annexes", is_flag=True, help="Leave out the review log and the changes annex.")
def export_pdf_command(workplan_id: int, output: str, revision: int | None, profile: str, no_annexes: bool) -> None:
    """Print workplan WORKPLAN_ID to a PDF file (an operator's command: every plan is visible)."""
    workplan = db.session.scalar(select(Workplan).where(Workplan.id == workplan_id).options(*full_plan_options()))
    if workplan is None:
        raise click.ClickException(f"There is no workplan {workplan_id}.")
    try:
        options = parse_export_options(profile, revision, "0" if no_annexes else "1")
        pdf = export_workplan(workplan, options)
    except (InvalidExportOptions, RevisionNotFound, RendererBusy, RenderFailed) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    record_export(workplan, None, options, pdf)
    db.session.commit()
    with open(output, "wb") as file:
        file.write(pdf.data)
    click.echo(f"Wrote {output} ({len(pdf.data):,} bytes, {pdf.filename}{'' if pdf.rendered else ', from the cache'}).")
