"""Export operations: print a plan or one of its revisions to PDF through the cache, and audit it."""

import re
from dataclasses import dataclass

from app.audit import record_event
from app.auth.models import User
from app.export.cache import cache_key, pdf_cache
from app.export.document import build_plan_document, revision_labels
from app.export.profiles import Profile, apply_profile, get_profile
from app.export.queries import theme_order
from app.export.rendering import render_pdf
from app.export.templating import render_print_template
from app.plan_sections import COMMENT_SECTIONS, item_name
from app.review.diff import diff_snapshots
from app.review.models import Revision
from app.review.queries import comment_threads, revisions_of
from app.workplans.models import Workplan
from app.workplans.readiness import check_readiness
from app.workplans.snapshots import snapshot_workplan

FALSE_WORDS = {"0", "false", "no", "off"}


class InvalidExportOptions(ValueError):
    """The query string asks for an unknown profile or a malformed revision number."""


class RevisionNotFound(LookupError):
    """The plan has no revision with that number."""


@dataclass(frozen=True)
class ExportOptions:
    """What to print: which edition, which revision (None for the current text), with annexes or not."""

    profile: Profile
    revision: int | None = None
    annexes: bool = True


@dataclass(frozen=True)
class PdfFile:
    """A PDF ready to send, and whether it was rendered now or came from the cache."""

    filename: str
    data: bytes
    rendered: bool


def parse_export_options(profile: str | None, revision: str | int | None, annexes: str | None) -> ExportOptions:
    """Read export options from request or command-line values; raises InvalidExportOptions."""
    chosen = get_profile(profile)
    if chosen is None:
        raise InvalidExportOptions("Unknown export profile.")
    number = None
    if revision not in (None, ""):
        if not re.fullmatch(r"[0-9]{1,9}", str(revision)) or int(revision) < 1:
            raise InvalidExportOptions("A revision is a positive whole number.")
        number = int(revision)
    return ExportOptions(chosen, number, (annexes or "1").strip().lower() not in FALSE_WORDS)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _section_label(key: str) -> str:
    return COMMENT_SECTIONS.get(key, key.replace("_", " ").capitalize())


def _item_labels(snapshot: dict) -> dict[tuple[str, int], str]:
    """Printable names of every item a comment can be about."""
    labels = {}
    for lesson in snapshot["lessons"]:
        labels[("lesson", lesson["id"])] = item_name("lesson", lesson["code"])
    for risk_number, risk in enumerate(snapshot["risks"], start=1):
        labels[("risk", risk["id"])] = item_name("risk", str(risk_number))
    for objective in snapshot["objectives"]:
        labels[("objective", objective["id"])] = item_name("objective", str(objective["number"]))
        for index, output in enumerate(objective["outputs"], start=1):
            number = f"{objective['number']}.{index}"
            labels[("output", output["id"])] = item_name("output", number)
            for indicator_number, indicator in enumerate(output["indicators"], start=1):
                labels[("indicator", indicator["id"])] = item_name("indicator", f"{number}.{indicator_number}")
            for activity_number, activity in enumerate(output["activities"], start=1):
                labels[("activity", activity["id"])] = item_name("activity", f"{number}.{activity_number}")
    return labels


def _review_log(workplan: Workplan, snapshot: dict, revision: int | None) -> list[dict]:
    labels = _item_labels(snapshot)
    return [
        {
            "section": _section_label(comment.section),
            "item": ""
            if comment.anchor_id is None
            else labels.get((comment.anchor_type, comment.anchor_id), f"A removed {comment.anchor_type}"),
            "author": comment.author.name,
            "date": _iso(comment.created_at),
            "revision": comment.revision_number,
            "blocking": comment.is_blocking,
            "resolved_by": comment.resolved_by.name if comment.resolved_by else None,
            "resolved_at": _iso(comment.resolved_at),
            "body": comment.body,
            "replies": [
                {"author": reply.author.name, "date": _iso(reply.created_at), "body": reply.body}
                for reply in comment.replies
            ],
        }
        for comment in comment_threads(workplan, revision)
    ]


def _changes(base: Revision | None, base_snapshot: dict | None, snapshot: dict, title: str, profile: Profile) -> dict:
    if base is None:
        return {"title": title, "note": "There is no earlier revision to compare with.", "sections": []}
    sections = diff_snapshots(apply_profile(base_snapshot, profile), snapshot)
    changed = [{"title": section.title, "lines": section.lines} for section in sections if section.changed]
    note = "" if changed else "Nothing changed."
    return {"title": title, "note": note, "sections": changed}


def _changes_for(revisions: list[Revision], current: Revision | None, snapshot: dict, profile: Profile) -> dict:
    """What changed since the previous revision: of a revision, or of the working text."""
    by_number = {revision.number: revision for revision in revisions}
    if current is not None:
        base = by_number.get(current.number - 1)
        title = (
            f"Changes in revision {current.number} since revision {base.number}"
            if base
            else f"Revision {current.number} is the first revision"
        )
        return _changes(base, base.snapshot if base else None, snapshot, title, profile)
    if not revisions:
        return _changes(None, None, snapshot, "The plan has not been submitted yet", profile)
    latest = revisions[-1]
    since_latest = _changes(latest, latest.snapshot, snapshot, f"Changes since revision {latest.number}", profile)
    if since_latest["sections"] or latest.number == 1:
        return since_latest
    previous = by_number.get(latest.number - 1)
    return _changes(
        previous,
        previous.snapshot if previous else None,
        apply_profile(latest.snapshot, profile),
        f"Changes in revision {latest.number} since revision {latest.number - 1}",
        profile,
    )


def _facts(workplan: Workplan, revisions: list[Revision], revision: Revision | None, snapshot: dict) -> dict:
    if revision is not None:
        # The approved revision stays approved after the plan is reopened as a new version.
        approved = workplan.approved_at is not None and workplan.approved_revision_number == revision.number
        status = "approved" if approved else snapshot["status"]
    else:
        status = workplan.status.value
    is_approved = status == "approved"
    return {
        "phase": workplan.country.phase.label,
        "status": status,
        "approved_at": _iso(workplan.approved_at) if is_approved else None,
        "approved_by": workplan.approved_by.name if is_approved and workplan.approved_by else None,
        "approved_revision": workplan.approved_revision_number if is_approved else None,
        "is_revision": revision is not None,
        "revision": revision.number if revision is not None else (revisions[-1].number if revisions else None),
        "revision_count": len(revisions),
        "revision_date": _iso(revision.created_at) if revision is not None else None,
        "created_at": _iso(workplan.created_at),
        "text_date": _iso(revision.created_at if revision is not None else workplan.updated_at),
        "readiness": None if revision is not None else check_readiness(workplan).level,
    }


def gather_print_inputs(workplan: Workplan, options: ExportOptions) -> dict:
    """Everything a printed plan shows, as plain data (it also keys the cache); raises RevisionNotFound."""
    revisions = revisions_of(workplan)
    revision = None
    if options.revision is not None:
        revision = next((r for r in revisions if r.number == options.revision), None)
        if revision is None:
            raise RevisionNotFound(f"Revision {options.revision} does not exist.")
    raw = revision.snapshot if revision is not None else snapshot_workplan(workplan)
    profile = options.profile
    snapshot = apply_profile(raw, profile)
    facts = _facts(workplan, revisions, revision, raw)
    if not profile.shows_people:
        facts["approved_by"] = None
    return {
        "snapshot": snapshot,
        "facts": facts,
        "profile": profile.key,
        "theme_order": theme_order(),
        "review_log": _review_log(workplan, snapshot, options.revision)
        if options.annexes and profile.shows_review_log
        else None,
        "changes": _changes_for(revisions, revision, snapshot, profile)
        if options.annexes and profile.shows_changes
        else None,
    }


def render_plan_html(inputs: dict) -> str:
    """The print HTML of one plan (autoescaped template)."""
    return render_print_template("export/plan.html", doc=build_plan_document(inputs))


def export_filename(workplan: Workplan, inputs: dict, options: ExportOptions) -> str:
    """COUNTRY-id-revision-N-profile.pdf (or -working-text-), from ids and numbers only, never user text."""
    code = re.sub(r"[^A-Z0-9]", "", workplan.country.code.upper()) or "XX"
    label = re.sub(r"[^a-z0-9]+", "-", revision_labels(inputs["snapshot"], inputs["facts"])[1])
    return f"{code}-{int(workplan.id)}-{label}-{options.profile.key}.pdf"


def cached_pdf(kind: str, inputs, render) -> tuple[bytes, bool]:
    """Return the cached PDF for these inputs, or render and store it; the flag says whether it rendered."""
    store, key = pdf_cache(), cache_key(kind, inputs)
    data = store.get(key)
    if data is not None:
        return data, False
    data = render()
    store.put(key, data)
    return data, True


def export_workplan(workplan: Workplan, options: ExportOptions) -> PdfFile:
    """Print a plan (or one of its revisions) as a PDF, from the cache when unchanged.

    Raises RevisionNotFound, RendererBusy or RenderFailed. Only reads: audit with record_export.
    """
    inputs = gather_print_inputs(workplan, options)
    data, rendered = cached_pdf("plan", inputs, lambda: render_pdf(render_plan_html(inputs)))
    return PdfFile(export_filename(workplan, inputs, options), data, rendered)


def record_export(
    workplan: Workplan, actor: User | None, options: ExportOptions, pdf: PdfFile, ip_address: str | None = ""
) -> None:
    """Write the audit line of a download. Flushes, never commits."""
    record_event(
        "workplan.export",
        actor=actor,
        workplan=workplan,
        obj=workplan,
        ip_address=ip_address,
        profile=options.profile.key,
        revision=options.revision,
        annexes=options.annexes,
        cached=not pdf.rendered,
    )
