"""PDF downloads: a plan or one of its revisions, and HQ's meeting pack."""

from flask import Response, abort, render_template, request
from flask_login import current_user

from app.export import bp
from app.export.diagram import diagram_svg
from app.export.forms import MeetingPackForm
from app.export.pack import EmptyPack, build_meeting_pack, pack_choices
from app.export.queries import full_plans, pack_candidates
from app.export.rendering import RendererBusy
from app.export.services import (
    InvalidExportOptions,
    PdfFile,
    RevisionNotFound,
    export_workplan,
    parse_export_options,
)
from app.export.text import bidi_dir, script_lang
from app.extensions import db
from app.permissions import access
from app.review.snapshots import snapshot_workplan
from app.workplans.queries import get_full_workplan_or_404

bp.add_app_template_filter(bidi_dir, "bidi_dir")
bp.add_app_template_filter(script_lang, "script_lang")


@bp.app_template_global("toc_diagram")
def toc_diagram(workplan):
    """The plan's theory-of-change diagram as inline SVG, for the overview page."""
    return diagram_svg(snapshot_workplan(workplan))


def pdf_response(pdf: PdfFile) -> Response:
    """Send a PDF as a download that no cache keeps and no browser sniffs."""
    return Response(
        pdf.data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{pdf.filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.get("/workplans/<int:workplan_id>/export.pdf")
@access("plan_viewer")
def workplan_pdf(workplan_id: int):
    """Download a plan (or ?revision=N) as a PDF in the internal, donor or public edition."""
    workplan = get_full_workplan_or_404(workplan_id, current_user)
    try:
        args = request.args
        options = parse_export_options(args.get("profile"), args.get("revision"), args.get("annexes"))
        pdf = export_workplan(workplan, current_user, options)
    except InvalidExportOptions:
        abort(400)
    except RevisionNotFound:
        abort(404)
    except RendererBusy:
        abort(503)
    db.session.commit()
    return pdf_response(pdf)


@bp.route("/review/pack", methods=["GET", "POST"])
@access("hq")
def meeting_pack():
    """HQ picks plans and downloads them as one PDF for a steering-committee meeting."""
    candidates = pack_candidates(current_user)
    form = MeetingPackForm()
    form.workplan_ids.choices, defaults = pack_choices(candidates)
    if request.method == "GET":
        form.workplan_ids.data = defaults
    if form.validate_on_submit():
        try:
            pdf = build_meeting_pack(
                current_user, full_plans(current_user, form.workplan_ids.data), form.profile.data, form.annexes.data
            )
        except EmptyPack as error:
            form.workplan_ids.errors.append(str(error))
        except RendererBusy:
            abort(503)
        else:
            db.session.commit()
            return pdf_response(pdf)
    return render_template("export/pack_form.html", form=form, candidates=candidates)
