"""`flask export-pdf` writes a plan's PDF to a file."""

from pypdf import PdfReader

from app.export.cli import export_pdf_command


def test_export_pdf_writes_a_valid_pdf(app, small_plan, tmp_path):
    target = tmp_path / "plan.pdf"
    result = app.test_cli_runner().invoke(
        export_pdf_command, [str(small_plan.id), "-o", str(target), "--profile", "donor"]
    )
    assert result.exit_code == 0, result.output
    assert f"PK-{small_plan.id}-working-text-donor.pdf" in result.output
    reader = PdfReader(target)
    assert len(reader.pages) >= 5
    assert "Donor edition" in reader.pages[0].extract_text()


def test_export_pdf_is_registered_on_the_flask_command(app):
    assert app.cli.get_command(None, "export-pdf") is export_pdf_command


def test_export_pdf_explains_a_missing_plan_or_revision(app, small_plan, tmp_path):
    runner = app.test_cli_runner()
    missing = runner.invoke(export_pdf_command, ["999999", "-o", str(tmp_path / "x.pdf")])
    assert missing.exit_code != 0 and "There is no workplan 999999." in missing.output
    revision = runner.invoke(export_pdf_command, [str(small_plan.id), "-o", str(tmp_path / "x.pdf"), "--revision", "4"])
    assert revision.exit_code != 0 and "Revision 4 does not exist." in revision.output
    assert not (tmp_path / "x.pdf").exists()
