"""PDF downloads: a plan or one of its revisions, and HQ's meeting pack."""

from flask import Response, abort, render_template, request, url_for
from flask_login import current_user

from app.core.errors import render_error
from app.database import writing
from app.export import bp
from app.export.diagram import diagram_svg
from app.export.forms import MeetingPackForm
from app.export.pack import EmptyPack, build_meeting_pack, pack_choices, parse_pack_values, record_pack
from app.export.profiles import PROFILES
from app.export.queries import full_plans
from app.export.rendering import RendererBusy, RenderFailed
from app.export.services import (
    InvalidExportOptions,
    PdfFile,
    RevisionNotFound,
    export_workplan,
    parse_export_options,
    record_export,
)
from app.export.text import bidi_dir, script_lang
from app.permissions import access
from app.workplans.queries import get_full_workplan_or_404, visible_workplans
from app.workplans.snapshots import snapshot_workplan

bp.add_app_template_filter(bidi_dir, "bidi_dir")
bp.add_app_template_filter(script_lang, "script_lang")


@bp.app_template_global("toc_diagram")
def toc_diagram(workplan):
    """The plan's theory-of-change diagram as inline SVG, for the overview page."""
    return diagram_svg(snapshot_workplan(workplan))


@bp.app_template_global("pdf_editions")
def pdf_editions(workplan) -> list[dict]:
    """Every edition of a plan's PDF (whoever sees the plan may download each): label, audience and link."""
    return [
        {
            "label": profile.label,
            "audience": profile.audience,
            "url": url_for("export.workplan_pdf", workplan_id=workplan.id, profile=profile.key),
        }
        for profile in PROFILES.values()
    ]


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


def render_unavailable(error: RendererBusy | RenderFailed) -> tuple[str, int, dict]:
    """The 503 page for a PDF that could not be produced now, saying what to do."""
    if isinstance(error, RendererBusy):
        title, advice, retry = (
            "Other PDFs are being printed",
            "The server prints a few PDFs at a time and all of them are taken. Try again in a minute.",
            30,
        )
    else:
        title, advice, retry = (
            "The PDF could not be produced",
            f"{error} Your plan is not affected. Try again; for a very large plan, leave out the annexes "
            "or print fewer plans at once. If it keeps failing, tell HQ.",
            60,
        )
    body, status = render_error(503, title, advice)
    return body, status, {"Retry-After": str(retry)}


@bp.get("/workplans/<int:workplan_id>/export.pdf")
@access("plan_viewer")
def workplan_pdf(workplan_id: int):
    """Download a plan (or ?revision=N) as a PDF in the internal, donor or public edition."""
    workplan = get_full_workplan_or_404(workplan_id, current_user)
    try:
        args = request.args
        options = parse_export_options(args.get("profile"), args.get("revision"), args.get("annexes"))
        pdf = export_workplan(workplan, options)
    except InvalidExportOptions:
        abort(400)
    except RevisionNotFound:
        abort(404)
    except (RendererBusy, RenderFailed) as error:
        return render_unavailable(error)
    with writing():
        record_export(workplan, current_user, options, pdf, ip_address=request.remote_addr)
    return pdf_response(pdf)


@bp.route("/review/pack", methods=["GET", "POST"])
@access("hq")
def meeting_pack():
    """HQ picks plans and downloads them as one PDF for a steering-committee meeting."""
    # Printing takes seconds and only reads: it runs without the write lock, so other writers never wait for it.
    candidates = visible_workplans(current_user)
    form = MeetingPackForm()
    form.workplan_ids.choices, defaults = pack_choices(candidates)
    if request.method == "GET":
        form.workplan_ids.data = defaults
    if form.validate_on_submit():
        chosen = parse_pack_values(form.workplan_ids.data)
        found = {plan.id: plan for plan in full_plans(current_user, [plan_id for plan_id, _ in chosen])}
        # In the query's order (country, newest period), each plan's chosen texts together.
        pairs = [(plan, revision) for plan in found.values() for plan_id, revision in chosen if plan_id == plan.id]
        plans = [plan for plan, _ in pairs]
        try:
            pdf = build_meeting_pack(plans, form.profile.data, form.annexes.data, [revision for _, revision in pairs])
        except (EmptyPack, RevisionNotFound) as error:
            form.workplan_ids.errors.append(str(error))
        except (RendererBusy, RenderFailed) as error:
            return render_unavailable(error)
        else:
            plan_ids = list(dict.fromkeys(plan.id for plan in plans))
            with writing():
                record_pack(
                    current_user, plan_ids, form.profile.data, form.annexes.data, pdf, ip_address=request.remote_addr
                )
            return pdf_response(pdf)
    return render_template("export/pack_form.html", form=form, candidates=candidates)
